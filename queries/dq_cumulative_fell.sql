-- Data quality: cumulative coverage falling without a revocation. A cumulative list (累计名单) names every unit
-- created as of the end of its day D; a unit created then by the status history (an earlier list, no revocation
-- since) that the list leaves out is a finding. The list covers its district and the towns and kinds of the
-- units it names. Nothing is changed in the unit's status: no revocation is inferred from an absence.
-- Grain: one row per (cumulative list, unit it leaves out). A list is (district, list_file, list_published).
-- last_seen_*: the latest earlier cumulative list naming the unit, else the creation that made it created.
-- Parameters: $as_of (date, null = latest: lists published up to that day), $district (null = all).
-- Reads list_rows, units, unit_spans and transitions (derive.sql).
with members as (
    select l.unit_id, l.district, l.source_file, l.published, l.source_row, u.town, u.kind
    from list_rows as l
    join units as u using (unit_id)
    where l.cumulative
      and ($district::varchar is null or l.district = $district)
), scope as (
    select distinct district, source_file, published, town, kind
    from members
    where published <= coalesce($as_of::date, date '9999-12-31')
), missing as (
    select sc.district, sc.source_file as list_file, sc.published as list_published, u.unit_id, u.town,
           u.committee, u.name, u.kind
    from scope as sc
    join units as u on u.district = sc.district and u.town = sc.town and u.kind = sc.kind
    join unit_spans as s
        on s.unit_id = u.unit_id and s.valid_from <= sc.published and (s.valid_to is null or s.valid_to > sc.published)
    where s.is_created
      and not exists (
          select 1 from members as m
          where m.unit_id = u.unit_id and m.source_file = sc.source_file and m.published = sc.published
      )
), creations as (
    select unit_id, published, source_file, source_row
    from transitions
    where event = 'created' and delta = 1
)
select
    x.district,
    x.town,
    x.committee,
    x.name,
    x.kind,
    x.list_file,
    x.list_published,
    coalesce(p.published, c.published) as last_seen,
    coalesce(p.source_file, c.source_file) as last_seen_file,
    coalesce(p.source_row, c.source_row) as last_seen_row
from missing as x
asof left join members as p
    on p.unit_id = x.unit_id and p.published < x.list_published
asof left join creations as c
    on c.unit_id = x.unit_id and c.published <= x.list_published
order by x.district, x.list_published, x.list_file, x.town, x.committee, x.name
