-- Whole-committee and whole-village creation (整居 / 整村) on each publication date, up to a day.
-- Grain: one row per (district, kind, published) for compounds and village groups.
-- Parameters: $as_of (date, null = latest), $district (null = all).
with sizes as (
    select district, kind, town, committee, count(*) as units
    from units
    where kind in ('compound', 'village_group')
      and ($district::varchar is null or district = $district)
    group by all
), per_day as (
    select u.district, u.kind, u.town, u.committee, t.published, sum(t.delta) as net
    from transitions as t
    join units as u using (unit_id)
    where u.kind in ('compound', 'village_group')
      and t.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or u.district = $district)
    group by all
), running as (
    select *, sum(net) over (partition by district, kind, town, committee order by published) as created
    from per_day
), days as (
    select distinct district, kind, published from running
), committee_days as (
    select d.district, d.kind, d.published, s.town, s.committee, s.units
    from days as d
    join sizes as s using (district, kind)
)
select
    cd.district,
    cd.kind,
    cd.published,
    count(*) as committees,
    count(*) filter (where r.created = cd.units) as committees_whole
from committee_days as cd
asof left join running as r
    on r.district = cd.district and r.kind = cd.kind and r.town = cd.town and r.committee = cd.committee
    and r.published <= cd.published
group by cd.district, cd.kind, cd.published
order by cd.district, cd.kind, cd.published
