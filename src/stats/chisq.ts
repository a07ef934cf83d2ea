import gammainc from '@stdlib/math-base-special-gammainc';

/**
 * Upper tail P(χ²_df > x), from the regularised upper incomplete gamma Q(df/2, x/2) so that
 * small p-values keep their precision. χ²_0 is the point mass at 0.
 */
export function chisqUpper(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  if (df === 0) return x > 0 ? 0 : 1;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
