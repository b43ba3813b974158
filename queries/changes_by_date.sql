-- What changed on each publication date: units newly created, created again after a revocation,
-- revoked, and the net change, up to a day.
-- Grain: one row per (district, published) on which any unit changed state.
-- Parameters: $as_of (date, null = latest), $district (null = all).
with counted as (
    select
        u.district,
        t.published,
        t.batch,
        t.delta,
        -- creations of the same unit before this one: a creation after a revocation is a re-creation
        sum(case when t.event = 'created' then 1 else 0 end) over (
            partition by t.unit_id order by t.published, t.event_id
            rows between unbounded preceding and 1 preceding
        ) as created_before
    from transitions as t
    join units as u using (unit_id)
    where t.published <= coalesce($as_of::date, date '9999-12-31')
      and ($district::varchar is null or u.district = $district)
)
select
    district,
    published,
    list(distinct batch order by batch) filter (where batch is not null) as batches,
    count(*) filter (where delta = 1 and coalesce(created_before, 0) = 0) as created_new,
    count(*) filter (where delta = 1 and created_before > 0) as created_again,
    count(*) filter (where delta = -1) as revoked,
    sum(delta)::bigint as net
from counted
group by district, published
having count(*) filter (where delta <> 0) > 0
order by district, published
