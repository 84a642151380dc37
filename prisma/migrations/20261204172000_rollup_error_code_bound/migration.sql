-- Error codes in a rollup row are bounded: providers choose their own codes, and a tenant whose
-- provider answers a new code each time must not grow one row's JSON (and the time to merge it)
-- without end. The 32 most frequent codes stay by name; the rest are summed under "other". One
-- pass over both objects' pairs, where the first version looked each key up again.
CREATE OR REPLACE FUNCTION keel_counts_add(a JSONB, b JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE (
    SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb) FROM (
      SELECT CASE WHEN rank <= 32 THEN k ELSE 'other' END AS k, sum(n) AS n FROM (
        SELECT k, n, row_number() OVER (ORDER BY (k = 'other'), n DESC, k) AS rank FROM (
          SELECT key AS k, sum(value::bigint) AS n
          FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) AS pairs
          GROUP BY key
        ) AS summed
      ) AS ranked
      GROUP BY 1
    ) AS bounded
  ) END
$$;
