/** Run the lmm command line in this process and collect its output and exit status (tests of the CLI). */
import { main } from '../../src/cli/main.js';

export async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stderrIsTTY: false });
  return { status, stdout, stderr };
}
