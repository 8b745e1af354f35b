//! Seeded synthetic matchmaking events for the benchmark and the tests: participants who arrive
//! late, leave early or step out for a slot or two, a few popular ones, and meetings between
//! pairs who share at least one slot, a few of them pinned.

use std::collections::HashSet;

use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Instance, Meeting, Participant, Position};

/// The size of an event to generate.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub participants: usize,
    pub meetings: usize,
    pub slots: u32,
    pub tables: u32,
    /// How many meetings past its maximum a participant may have asked for (0: the meetings are
    /// accepted ones, which respect the maxima).
    pub over_request: u32,
    /// Meetings an organiser pinned, in thousandths of all meetings.
    pub pinned_per_mille: u32,
}

/// A realistic event of the given size; the same spec and seed give the same instance. It may
/// hold fewer meetings than asked when the participants' maxima and availability run out.
pub fn event(spec: EventSpec, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let slots = spec.slots;
    let mut available: Vec<Vec<u32>> = Vec::with_capacity(spec.participants);
    let mut participants = Vec::with_capacity(spec.participants);
    let quarter = (slots / 4).max(1);
    for p in 0..spec.participants {
        let arrival = if slots > 2 && rng.gen_bool(0.3) {
            rng.gen_range(1..=quarter)
        } else {
            0
        };
        let departure = if slots > 2 && rng.gen_bool(0.3) {
            slots - rng.gen_range(1..=quarter)
        } else {
            slots
        };
        let mut slots_free: Vec<u32> = (arrival..departure.max(arrival + 1).min(slots)).collect();
        if slots_free.len() > 4 && rng.gen_bool(0.25) {
            let away = rng.gen_range(1..=2usize);
            let at = rng.gen_range(1..slots_free.len() - away);
            slots_free.drain(at..at + away);
        }
        let wanted = rng.gen_range(slots * 2 / 3..=slots).max(1);
        participants.push(Participant {
            id: format!("p{p}"),
            available_slots: slots_free.clone(),
            max_meetings: wanted.min(slots_free.len() as u32),
        });
        available.push(slots_free);
    }
    // Some participants are sought after more than others.
    let popularity: Vec<u32> = (0..spec.participants).map(|_| rng.gen_range(1..=4)).collect();
    let mut degree = vec![0u32; spec.participants];
    let mut pairs = HashSet::new();
    let mut meetings = Vec::with_capacity(spec.meetings);
    let limit = |p: usize| participants[p].max_meetings + spec.over_request;
    let mut attempts = 0;
    while meetings.len() < spec.meetings && attempts < 200 * spec.meetings.max(1) && spec.participants > 1 {
        attempts += 1;
        let pick = |rng: &mut ChaCha8Rng, degree: &[u32]| -> Option<usize> {
            let weight = |p: usize| u64::from(limit(p).saturating_sub(degree[p])) * u64::from(popularity[p]);
            let total: u64 = (0..spec.participants).map(weight).sum();
            if total == 0 {
                return None;
            }
            let mut target = rng.gen_range(0..total);
            (0..spec.participants).find(|&p| {
                let w = weight(p);
                if target < w {
                    true
                } else {
                    target -= w;
                    false
                }
            })
        };
        let (Some(a), Some(b)) = (pick(&mut rng, &degree), pick(&mut rng, &degree)) else {
            break;
        };
        let shared = available[a].iter().any(|s| available[b].contains(s));
        if a == b || !shared || !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        degree[a] += 1;
        degree[b] += 1;
        meetings.push(Meeting {
            id: format!("m{}", meetings.len()),
            between: [format!("p{a}"), format!("p{b}")],
            pinned: None,
            previous: None,
        });
    }
    pin_some(&mut rng, spec, &available, &participants, &mut meetings);
    Instance {
        slot_count: slots,
        table_count: spec.tables,
        participants,
        meetings,
    }
}

/// Pins a few meetings to a slot both sides are available in, so that no pins collide.
fn pin_some(
    rng: &mut ChaCha8Rng,
    spec: EventSpec,
    available: &[Vec<u32>],
    participants: &[Participant],
    meetings: &mut [Meeting],
) {
    let wanted = meetings.len() * spec.pinned_per_mille as usize / 1000;
    let index = |id: &str| id[1..].parse::<usize>().unwrap_or(0);
    let mut busy = HashSet::new();
    let mut tables = HashSet::new();
    let mut pinned = vec![0u32; participants.len()];
    let mut order: Vec<usize> = (0..meetings.len()).collect();
    order.shuffle(rng);
    let mut done = 0;
    for m in order {
        if done == wanted || spec.tables == 0 {
            break;
        }
        let [a, b] = [index(&meetings[m].between[0]), index(&meetings[m].between[1])];
        let shared: Vec<u32> = available[a]
            .iter()
            .copied()
            .filter(|s| available[b].contains(s))
            .collect();
        let Some(&slot) = shared.choose(rng) else { continue };
        let table = rng.gen_range(0..spec.tables);
        let clear = !busy.contains(&(a, slot))
            && !busy.contains(&(b, slot))
            && !tables.contains(&(slot, table))
            && pinned[a] < participants[a].max_meetings
            && pinned[b] < participants[b].max_meetings;
        if clear {
            busy.insert((a, slot));
            busy.insert((b, slot));
            tables.insert((slot, table));
            pinned[a] += 1;
            pinned[b] += 1;
            meetings[m].pinned = Some(Position { slot, table });
            done += 1;
        }
    }
}
