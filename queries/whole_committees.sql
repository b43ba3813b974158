-- Whole-committee and whole-village creation (整居创建 / 整村创建), as of the end of a day.
-- Grain: one row per (district, kind) for the kinds that sit below a committee or village:
-- compounds (in residents' committees) and village groups (in villages).
-- Parameters: $as_of (date, null = latest), $district (null = all).
with per_committee as (
    select
        district, kind, town, committee,
        count(*) filter (where is_created) as created,
        count(*) as units
    from unit_status($as_of::date)
    where kind in ('compound', 'village_group')
      and ($district::varchar is null or district = $district)
    group by district, kind, town, committee
)
select
    district,
    kind,
    count(*) as committees,
    count(*) filter (where created > 0) as committees_with_created,
    count(*) filter (where created = units) as committees_whole
from per_committee
group by district, kind
order by district, kind
