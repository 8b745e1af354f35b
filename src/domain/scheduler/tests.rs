//! The scheduler's tests: properties of every schedule on random instances (proptest), the
//! placed count against an exhaustive search on small instances, and rescheduling stability.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    bound::upper_bound,
    greedy, schedule,
    synthetic::{event, EventSpec},
    Instance, Meeting, Participant, Position, Schedule,
};

/// A requested meeting: its two sides (by index) and perhaps a pin (slot, table).
type Wanted = (usize, usize, Option<(u32, u32)>);

/// A small instance from raw choices; pins that would contradict each other are dropped, so the
/// instance is always valid.
fn build(slots: u32, tables: u32, people: Vec<(Vec<u32>, u32)>, wanted: Vec<Wanted>) -> Instance {
    let n = people.len();
    let participants: Vec<Participant> = people
        .into_iter()
        .enumerate()
        .map(|(i, (available_slots, max_meetings))| Participant {
            id: format!("p{i}"),
            available_slots,
            max_meetings,
        })
        .collect();
    let available = |p: usize, s: u32| participants[p].available_slots.contains(&s);
    let mut pinned_busy = HashSet::new();
    let mut pinned_tables = HashSet::new();
    let mut pins = vec![0u32; n];
    let mut meetings = Vec::new();
    for (i, (a, b, pin)) in wanted.into_iter().enumerate() {
        let b = if a == b { (b + 1) % n } else { b };
        let pinned = pin.filter(|&(slot, table)| {
            let ok = available(a, slot)
                && available(b, slot)
                && !pinned_busy.contains(&(a, slot))
                && !pinned_busy.contains(&(b, slot))
                && !pinned_tables.contains(&(slot, table))
                && pins[a] < participants[a].max_meetings
                && pins[b] < participants[b].max_meetings;
            if ok {
                pinned_busy.extend([(a, slot), (b, slot)]);
                pinned_tables.insert((slot, table));
                pins[a] += 1;
                pins[b] += 1;
            }
            ok
        });
        meetings.push(Meeting {
            id: format!("m{i}"),
            between: [format!("p{a}"), format!("p{b}")],
            pinned: pinned.map(|(slot, table)| Position { slot, table }),
            previous: None,
        });
    }
    Instance {
        slot_count: slots,
        table_count: tables,
        participants,
        meetings,
    }
}

fn instances(max_meetings: usize) -> impl Strategy<Value = Instance> {
    (1u32..=6, 1u32..=4, 2usize..=8)
        .prop_flat_map(move |(slots, tables, n)| {
            let people = prop::collection::vec((prop::collection::vec(0..slots, 0..=slots as usize), 0u32..=5), n);
            let meetings = prop::collection::vec(
                (0..n, 0..n, prop::option::weighted(0.15, (0..slots, 0..tables))),
                0..=max_meetings,
            );
            (Just(slots), Just(tables), people, meetings)
        })
        .prop_map(|(slots, tables, people, meetings)| build(slots, tables, people, meetings))
}

/// Checks every hard rule, and the stats against a recount.
fn check_rules(instance: &Instance, schedule: &Schedule) -> Result<(), TestCaseError> {
    let meetings: HashMap<&str, &Meeting> = instance.meetings.iter().map(|m| (m.id.as_str(), m)).collect();
    let participants: HashMap<&str, &Participant> = instance.participants.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut seen = HashSet::new();
    for id in schedule
        .placed
        .iter()
        .map(|p| &p.meeting)
        .chain(schedule.unplaced.iter().map(|u| &u.meeting))
    {
        prop_assert!(seen.insert(id.as_str()), "{id} listed twice");
    }
    prop_assert_eq!(seen.len(), instance.meetings.len(), "every meeting placed or unplaced");
    let mut busy = HashSet::new();
    let mut tables = HashSet::new();
    let mut count: HashMap<&str, u32> = HashMap::new();
    let mut slots_of: HashMap<&str, Vec<u32>> = HashMap::new();
    for placed in &schedule.placed {
        let meeting = meetings[placed.meeting.as_str()];
        prop_assert!(placed.table < instance.table_count && placed.slot < instance.slot_count);
        prop_assert!(tables.insert((placed.slot, placed.table)), "two meetings at one table");
        for side in &meeting.between {
            prop_assert!(
                busy.insert((side.as_str(), placed.slot)),
                "{side} twice in slot {}",
                placed.slot
            );
            prop_assert!(
                participants[side.as_str()].available_slots.contains(&placed.slot),
                "{side} unavailable"
            );
            *count.entry(side.as_str()).or_default() += 1;
            slots_of.entry(side.as_str()).or_default().push(placed.slot);
        }
        if let Some(pin) = meeting.pinned {
            prop_assert_eq!((pin.slot, pin.table), (placed.slot, placed.table), "pin moved");
        }
    }
    for meeting in &instance.meetings {
        if meeting.pinned.is_some() {
            prop_assert!(
                schedule.placed.iter().any(|p| p.meeting == meeting.id),
                "pinned meeting unplaced"
            );
        }
    }
    let mut short = 0;
    let mut idle = 0;
    for participant in &instance.participants {
        let c = count.get(participant.id.as_str()).copied().unwrap_or(0);
        prop_assert!(c <= participant.max_meetings, "{} past its maximum", participant.id);
        let wanted = instance
            .meetings
            .iter()
            .filter(|m| m.between.contains(&participant.id))
            .count() as u32;
        short += usize::from(c < wanted.min(participant.max_meetings));
        if let Some(slots) = slots_of.get(participant.id.as_str()) {
            let (first, last) = (
                slots.iter().min().copied().unwrap_or(0),
                slots.iter().max().copied().unwrap_or(0),
            );
            idle += (first..=last)
                .filter(|s| !slots.contains(s) && participant.available_slots.contains(s))
                .count();
        }
    }
    prop_assert_eq!(schedule.stats.participants_short, short);
    prop_assert_eq!(schedule.stats.idle_slots, idle);
    prop_assert_eq!(schedule.stats.placed, schedule.placed.len());
    prop_assert!(
        schedule.stats.placed <= schedule.stats.upper_bound,
        "placed beyond the bound"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_schedule_keeps_the_rules_and_beats_greedy(instance in instances(14)) {
        let first = schedule(&instance).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_rules(&instance, &first)?;
        let again = schedule(&instance).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&first, &again, "same input, same schedule");
        let baseline = greedy(&instance).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_rules(&instance, &baseline)?;
        prop_assert!(first.placed.len() >= baseline.placed.len(), "fewer than greedy");
    }
}

/// The most meetings any schedule places, by exhaustive search (pins fixed first).
fn optimum(instance: &Instance) -> usize {
    let index: HashMap<&str, usize> = instance
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let n = instance.participants.len();
    let slots = instance.slot_count as usize;
    let ends: Vec<[usize; 2]> = instance
        .meetings
        .iter()
        .map(|m| [index[m.between[0].as_str()], index[m.between[1].as_str()]])
        .collect();
    let mut search = Exhaustive {
        instance,
        ends: &ends,
        busy: vec![false; n * slots],
        load: vec![0; slots],
        count: vec![0; n],
        best: 0,
    };
    let mut placed = 0;
    let mut free = Vec::new();
    for (m, meeting) in instance.meetings.iter().enumerate() {
        match meeting.pinned {
            Some(pin) => {
                search.set(m, pin.slot as usize, true);
                placed += 1;
            }
            None => free.push(m),
        }
    }
    search.run(&free, placed);
    search.best
}

struct Exhaustive<'a> {
    instance: &'a Instance,
    ends: &'a [[usize; 2]],
    busy: Vec<bool>,
    load: Vec<u32>,
    count: Vec<u32>,
    best: usize,
}

impl Exhaustive<'_> {
    fn set(&mut self, m: usize, s: usize, on: bool) {
        let slots = self.instance.slot_count as usize;
        for p in self.ends[m] {
            self.busy[p * slots + s] = on;
            if on {
                self.count[p] += 1;
            } else {
                self.count[p] -= 1;
            }
        }
        if on {
            self.load[s] += 1;
        } else {
            self.load[s] -= 1;
        }
    }

    fn run(&mut self, rest: &[usize], placed: usize) {
        self.best = self.best.max(placed);
        let Some((&m, rest)) = rest.split_first() else { return };
        if placed + 1 + rest.len() <= self.best {
            return;
        }
        let slots = self.instance.slot_count as usize;
        for s in 0..slots {
            let fits = self.load[s] < self.instance.table_count
                && self.ends[m].iter().all(|&p| {
                    let person = &self.instance.participants[p];
                    !self.busy[p * slots + s]
                        && person.available_slots.contains(&(s as u32))
                        && self.count[p] < person.max_meetings
                });
            if fits {
                self.set(m, s, true);
                self.run(rest, placed + 1);
                self.set(m, s, false);
            }
        }
        self.run(rest, placed);
    }
}

#[test]
fn small_instances_reach_the_exhaustive_optimum() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = instances(10);
    let (mut placed, mut best, mut equal, mut total) = (0, 0, 0, 0);
    for _ in 0..150 {
        let instance = strategy
            .new_tree(&mut runner)
            .map(|tree| proptest::strategy::ValueTree::current(&tree))
            .expect("an instance");
        let optimum = optimum(&instance);
        let schedule = schedule(&instance).expect("a valid instance");
        assert!(
            schedule.placed.len() <= optimum,
            "more than the optimum: the check is wrong"
        );
        assert!(
            upper_bound(&instance).expect("valid") >= optimum,
            "the bound is below the optimum"
        );
        placed += schedule.placed.len();
        best += optimum;
        equal += usize::from(schedule.placed.len() == optimum);
        total += 1;
    }
    assert!(
        placed as f64 >= 0.99 * best as f64,
        "placed {placed} of an optimum {best}"
    );
    assert!(equal * 100 >= total * 95, "optimal in {equal} of {total}");
}

/// A schedule's placement as the next run's previous one.
fn with_previous(mut instance: Instance, schedule: &Schedule) -> Instance {
    let at: HashMap<&str, Position> = schedule
        .placed
        .iter()
        .map(|p| {
            (
                p.meeting.as_str(),
                Position {
                    slot: p.slot,
                    table: p.table,
                },
            )
        })
        .collect();
    for meeting in &mut instance.meetings {
        meeting.previous = at.get(meeting.id.as_str()).copied();
    }
    instance
}

/// Accepted meetings (within the maxima) at a venue with tables to spare, as at a typical event.
fn spec() -> EventSpec {
    EventSpec {
        participants: 40,
        meetings: 150,
        slots: 10,
        tables: 20,
        over_request: 0,
        pinned_per_mille: 20,
    }
}

#[test]
fn rescheduling_after_one_change_moves_few_meetings() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut moved = Vec::new();
    for seed in 0..6 {
        let instance = event(spec(), seed);
        let first = schedule(&instance).expect("valid");
        // Unchanged, it moves meetings only for a better schedule than the last run found.
        let same = schedule(&with_previous(instance.clone(), &first)).expect("valid");
        let judge = |s: &Schedule| {
            (
                s.stats.placed,
                std::cmp::Reverse(s.stats.participants_short),
                std::cmp::Reverse(s.stats.idle_slots),
            )
        };
        assert!(
            same.stats.moved == 0 || judge(&same) > judge(&first),
            "{:?}",
            same.stats
        );
        // One meeting dropped.
        let mut fewer = with_previous(instance.clone(), &first);
        fewer.meetings.remove(rng.gen_range(0..fewer.meetings.len()));
        let again = schedule(&fewer).expect("valid");
        assert!(again.placed.len() + 1 >= first.placed.len());
        moved.push(again.stats.moved);
        // One meeting added between two participants who share a slot.
        let mut more = with_previous(instance.clone(), &first);
        let (a, b) = loop {
            let (a, b) = (rng.gen_range(0..40), rng.gen_range(0..40));
            let shared = more.participants[a]
                .available_slots
                .iter()
                .any(|s| more.participants[b].available_slots.contains(s));
            if a != b && shared {
                break (a, b);
            }
        };
        more.meetings.push(Meeting {
            id: "added".into(),
            between: [format!("p{a}"), format!("p{b}")],
            pinned: None,
            previous: None,
        });
        let again = schedule(&more).expect("valid");
        assert!(again.placed.len() >= first.placed.len());
        moved.push(again.stats.moved);
    }
    moved.sort_unstable();
    // Typical changes move at most a few meetings; the median none or one.
    assert!(moved[moved.len() / 2] <= 1, "moved {moved:?}");
    assert!(
        moved.iter().filter(|&&m| m <= 4).count() * 10 >= moved.len() * 8,
        "moved {moved:?}"
    );
}

#[test]
fn the_realistic_event_keeps_the_rules() {
    let instance = event(spec(), 3);
    let schedule = schedule(&instance).expect("valid");
    check_rules(&instance, &schedule).expect("rules kept");
    assert!(schedule.stats.share_of_bound >= 0.97, "{:?}", schedule.stats);
}
