-- Coverage per town and unit kind, as of the end of a day.
-- Grain: one row per (district, town, kind).
-- Parameters: $as_of (date, null = latest), $district (null = all).
with status as (
    select * from unit_status($as_of::date)
    where $district::varchar is null or district = $district
)
select
    district,
    town,
    kind,
    case when bool_or(in_roster) then count(*) filter (where in_roster) end as total,
    count(*) filter (where is_created) as created,
    count(*) filter (where is_model) as model,
    count(*) filter (where is_revoked) as revoked,
    case when bool_or(in_roster)
        then 100.0 * count(*) filter (where is_created) / count(*) filter (where in_roster)
    end as coverage_pct
from status
group by district, town, kind
order by district, town, kind
