-- mart_store.finite(x): x when it is a finite number, else null. Every double a mart computes passes
-- through it, so inf and NaN (a 1e308 level overflowing a gap or a standard deviation) never reach a
-- reader: the figure is simply absent.
case when isfinite(x) then x end
