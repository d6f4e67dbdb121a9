-- Runs of consecutive published periods in the top three (is_first false) or in first place (true),
-- found without sorting: each place x indicator x group x kind gets a bit per published period it
-- spent there (pub_idx, 127 to a HUGEINT word, so words stay positive), a run starts at a set bit
-- whose lower neighbour is clear, and its length is the number of set bits from there up to the
-- first clear one (trailing zeros of the complement, carried across words while they are full).
-- Only what the window can change is recomputed: each reopened run that began before the window
-- enters as its periods up to the last one before the window (which the window cannot change),
-- then every top-three row from the window on.
-- one row per place x indicator x group x kind x run
with affected as (
    select indicator_id, min(seq) as from_seq from rank_window group by all
),

recent_published as (
    select * from mart_store.published_periods where period >= $reopen_from
),

last_before as (
    select pp.indicator_id, pp.group_id, max(pp.pub_idx) as last_idx,
    from recent_published as pp
    inner join affected using (indicator_id)
    where pp.seq < affected.from_seq
    group by all
),

seed_points as (
    select
        reopened.place_id, reopened.indicator_id, reopened.group_id, reopened.is_first,
        unnest(range(reopened.start_pub_idx, last_before.last_idx + 1)) as idx,
    from rank_reopened as reopened
    inner join last_before using (indicator_id, group_id)
),

window_points as (
    -- a first place is also a top-three row: one pass emits both kinds
    select stored.place_id, stored.indicator_id, stored.group_id, kind.is_first, stored.pub_idx as idx,
    from mart_store.top3 as stored
    inner join affected using (indicator_id)
    inner join (values (false), (true)) as kind(is_first) on not kind.is_first or stored.rank = 1
    where stored.seq >= affected.from_seq and stored.period >= $window_from
),

points as (
    -- one bigint key per place x indicator x group x kind (place ids < 2^21, indicator ids < 2^10):
    -- the word aggregate, its windows and the join back run on one column instead of four
    select ((group_id::bigint * 1024 + indicator_id) * 2097152 + place_id) * 2 + is_first::int as pk, idx,
    from (
        select * from seed_points
        union all
        select * from window_points
    )
),

words as (
    select
        pk,
        idx // 127 as word,
        bit_or(1::hugeint << (idx % 127)::hugeint) as bits,
        -- 2^127 - 1: every bit of a word; a word's clear bits are this minus its set bits
        170141183460469231731687303715884105727::hugeint - bits as clear,
    from points
    group by all
),

word_ends as (
    -- ones_from_bit0: set bits from bit 0 up; chains_on: the word is full and the next word follows it
    select
        *,
        case when clear = 0 then 127 else bit_count((clear & -clear) - 1) end as ones_from_bit0,
        ones_from_bit0 = 127 and coalesce(lead(word) over by_word = word + 1, false) as chains_on,
        coalesce(lag(word) over by_word = word - 1 and lag(bits) over by_word >> 126::hugeint = 1, false)
            as follows_a_set_bit,
    from words
    window by_word as (partition by pk order by word)
),

word_chains as (
    -- chain_length: set bits from bit 0 of the word on, through every full word after it (a run
    -- reaching the top of a word goes on into the next one while the words follow each other)
    select
        *,
        127 * (first_value(case when not chains_on then word end ignore nulls) over following_words - word)
            + first_value(case when not chains_on then ones_from_bit0 end ignore nulls) over following_words
            as chain_length,
    from word_ends
    window following_words as (
        partition by pk order by word
        rows between current row and unbounded following
    )
),

word_runs as (
    select
        *,
        case when lead(word) over by_word = word + 1 then lead(chain_length) over by_word else 0 end
            as next_chain_length,
    from word_chains
    window by_word as (partition by pk order by word)
),

starts as (
    -- a point whose lower neighbour is clear (bit 0: the previous word's top bit) starts a run
    select
        points.pk, points.idx,
        points.idx % 127 as bit,
        word.clear >> bit::hugeint as clear_above,
        word.next_chain_length,
    from points
    inner join word_runs as word
        on word.pk = points.pk and word.word = points.idx // 127
    where case
        when bit > 0 then (word.bits >> (bit - 1)::hugeint) & 1 = 0
        else not word.follows_a_set_bit
    end
),

final as (
    select
        (pk // 2 % 2097152)::integer as place_id,
        (pk // 2 // 2097152 % 1024)::smallint as indicator_id,
        (pk // 2 // 2097152 // 1024)::integer as group_id,
        pk % 2 = 1 as is_first,
        idx as start_pub_idx,
        idx - 1 + case
            when clear_above <> 0 then bit_count((clear_above & -clear_above) - 1)
            else 127 - bit + next_chain_length
        end as end_pub_idx,
    from starts
)

select * from final
