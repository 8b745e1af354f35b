//! The schedule as the caller sees it: ids instead of numbers, a reason for each unplaced
//! meeting, and the figures of the objective.

use super::{
    problem::{Problem, NONE},
    state::State,
    tables, Instance, Placed, Schedule, Stats, Unplaced, UnplacedReason,
};

pub fn report(
    instance: &Instance,
    problem: &Problem,
    state: &State,
    upper_bound: usize,
    greedy_placed: usize,
) -> Schedule {
    let table_of = tables::assign(problem, state);
    let mut placed = Vec::with_capacity(state.placed);
    let mut unplaced = Vec::new();
    let mut moved = 0;
    for (m, meeting) in instance.meetings.iter().enumerate() {
        let slot = state.slot_of[m];
        if slot == NONE {
            unplaced.push(Unplaced {
                meeting: meeting.id.clone(),
                reason: reason(instance, problem, state, m).to_string(),
            });
            moved += usize::from(problem.previous[m].is_some());
            continue;
        }
        let table = table_of[m];
        if problem.previous[m].is_some_and(|p| p.slot != slot || p.table != table) {
            moved += 1;
        }
        placed.push(Placed {
            meeting: meeting.id.clone(),
            slot,
            table,
        });
    }
    let idle_slots: usize = (0..problem.participants as u32)
        .map(|p| state.idle_of(problem, p))
        .sum();
    let meeting_someone = state.count.iter().filter(|&&c| c > 0).count();
    Schedule {
        stats: Stats {
            meetings: problem.meetings(),
            placed: placed.len(),
            unplaced: unplaced.len(),
            upper_bound,
            share_of_bound: if upper_bound == 0 {
                1.0
            } else {
                placed.len() as f64 / upper_bound as f64
            },
            participants_short: state.short,
            idle_slots,
            mean_idle_slots: if meeting_someone == 0 {
                0.0
            } else {
                idle_slots as f64 / meeting_someone as f64
            },
            moved,
            greedy_placed,
        },
        placed,
        unplaced,
    }
}

fn reason(instance: &Instance, problem: &Problem, state: &State, m: usize) -> UnplacedReason {
    let [first, second] = instance.meetings[m].between.clone();
    if problem.feasible[m].is_empty() {
        return UnplacedReason::NoCommonSlot { first, second };
    }
    for (side, &p) in problem.ends[m].iter().enumerate() {
        if state.count[p as usize] >= problem.max[p as usize] {
            return UnplacedReason::AtMaximum {
                participant: instance.meetings[m].between[side].clone(),
                max: problem.max[p as usize],
            };
        }
    }
    UnplacedReason::NoFreeSlot { first, second }
}
