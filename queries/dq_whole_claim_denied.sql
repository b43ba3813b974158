-- Data quality: a committee or village marked not whole (否) in a list published on day D while, at the end of
-- day D, every roster unit of the marked kind is created: by the status history it was created as a whole.
-- Grain: one row per mark: one list's (file and day's) 否 on a committee or village and kind of unit; mark_row
-- is the list's first row marked so.
-- Parameters: $as_of (date, null = latest: marks published up to that day), $district (null = all).
-- Reads list_rows, units and unit_spans (derive.sql).
with marks as (
    select l.district, u.town, u.committee, u.kind, l.published, l.source_file,
           min(l.source_row) as mark_row
    from list_rows as l
    join units as u using (unit_id)
    where l.whole is not null
      and l.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or l.district = $district)
    group by all
    having not bool_or(l.whole)
), sizes as (
    select
        m.district, m.town, m.committee, m.kind, m.published, m.source_file, m.mark_row,
        count(*) as units,
        count(*) filter (where coalesce(s.is_created, false)) as created
    from marks as m
    join units as u
        on u.district = m.district and u.town = m.town and u.committee = m.committee and u.kind = m.kind
        and u.in_roster
    left join unit_spans as s
        on s.unit_id = u.unit_id and s.valid_from <= m.published and (s.valid_to is null or s.valid_to > m.published)
    group by all
)
select district, town, committee, kind, published as marked, source_file as mark_file, mark_row, units, created
from sizes
where created = units
order by district, town, committee, kind, published, source_file
