-- Data quality: a committee or village marked whole (整建制 / 整居创建 / 整村创建) in a list published on day D
-- while, at the end of day D, one of its roster units of the marked kind is not created.
-- Grain: one row per (mark, unit missing): a mark is one list's (file and day's) 是 on a committee or village
-- and kind of unit; claim_row is the list's first row marked so.
-- Parameters: $as_of (date, null = latest: marks published up to that day), $district (null = all).
-- Reads list_rows, units and unit_spans (derive.sql); roster-less districts have no roster to check against.
with marks as (
    select l.district, u.town, u.committee, u.kind, l.published, l.source_file,
           min(l.source_row) filter (where l.whole) as claim_row
    from list_rows as l
    join units as u using (unit_id)
    where l.whole is not null
      and l.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or l.district = $district)
    group by all
    having bool_or(l.whole)
)
select
    m.district,
    m.town,
    m.committee,
    m.kind,
    m.published as claimed,
    m.source_file as claim_file,
    m.claim_row,
    u.name,
    coalesce(s.status, 'not_created') as status_then,
    u.source_file as roster_file,
    u.source_row as roster_row
from marks as m
join units as u
    on u.district = m.district and u.town = m.town and u.committee = m.committee and u.kind = m.kind and u.in_roster
left join unit_spans as s
    on s.unit_id = u.unit_id and s.valid_from <= m.published and (s.valid_to is null or s.valid_to > m.published)
where not coalesce(s.is_created, false)
order by m.district, m.town, m.committee, m.kind, m.published, m.source_file, u.name
