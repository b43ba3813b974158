-- Units created per town and batch (all kinds), for the town x batch heatmap, up to a day.
-- Grain: one row per (district, town, batch) with at least one creation.
-- Parameters: $as_of (date, null = latest), $district (null = all).
-- share_pct: the batch's creations as a share of the town's roster units.
-- town_total and share_pct are null for a town with no roster (counts only).
with totals as (
    select district, town, case when bool_or(in_roster) then count(*) filter (where in_roster) end as total
    from units
    group by district, town
)
select
    u.district,
    u.town,
    e.batch,
    count(*) as units,
    any_value(t.total) as town_total,
    100.0 * count(*) / nullif(any_value(t.total), 0) as share_pct
from events as e
join units as u using (unit_id)
join totals as t on t.district = u.district and t.town = u.town
where e.event = 'created'
  and e.published <= coalesce($as_of::date, date '9999-12-31')
  and ($district::varchar is null or u.district = $district)
group by u.district, u.town, e.batch
order by u.district, u.town, e.batch
