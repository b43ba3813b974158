-- What the loaded status lists say beyond events, up to a day: per district and kind of unit, how many lists carry
-- 整建制 marks, how many committees or villages they mark whole and not whole, and how many lists are cumulative
-- (累计名单). The quality page says "none loaded" for a check with nothing to check.
-- Grain: one row per (district, kind) with any such list row. A list is (source_file, published); a committee
-- counts once whatever the lists marking it.
-- Parameters: $as_of (date, null = latest), $district (null = all).
with rows as (
    select l.district, u.kind, u.town, u.committee, l.source_file, l.published, l.cumulative, l.whole
    from list_rows as l
    join units as u using (unit_id)
    where l.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or l.district = $district)
), marks as (
    select district, kind, town, committee, bool_or(whole) as whole
    from rows
    where whole is not null
    group by all
)
select
    r.district,
    r.kind,
    count(distinct (r.source_file, r.published)) filter (where r.whole is not null) as lists_with_marks,
    (select count(*) from marks as m where m.district = r.district and m.kind = r.kind and m.whole)
        as committees_marked_whole,
    (select count(*) from marks as m where m.district = r.district and m.kind = r.kind and not m.whole)
        as committees_marked_not_whole,
    count(distinct (r.source_file, r.published)) filter (where r.cumulative) as cumulative_lists
from rows as r
group by r.district, r.kind
order by r.district, r.kind
