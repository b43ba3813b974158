-- Units created per town and batch (all kinds), for the town x batch heatmap, up to a day.
-- Grain: one row per (district, town, batch) with at least one creation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- share_pct: the batch's creations as a share of the town's roster units.
-- town_total and share_pct are null for a town with no roster (counts only).
-- Reads town_batch_daily and town_totals (derive.sql).
with created as (
    select district, town, batch, sum(units)::bigint as units
    from town_batch_daily
    where published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or district = $district)
    group by district, town, batch
)
select
    c.district,
    c.town,
    c.batch,
    c.units,
    case when t.has_roster then t.total end as town_total,
    100.0 * c.units / nullif(case when t.has_roster then t.total end, 0) as share_pct
from created as c
join town_totals as t using (district, town)
order by c.district, c.town, c.batch
