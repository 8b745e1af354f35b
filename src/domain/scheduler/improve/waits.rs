//! Shortening the waits once who meets whom is settled: simulated annealing and a hill climb over shifts into free slots and swaps, and for a reschedule the pass that puts moved meetings back where they were.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::evaluate;
use crate::domain::scheduler::{
    problem::{Problem, NONE},
    state::State,
    Options,
};

/// Shortens waits without changing who meets whom, so placed and short stay as they are. On a
/// first schedule, simulated annealing over shifts (see [`shift`]) with the best schedule kept;
/// on a reschedule only the hill climb, because a walk that trades many moved meetings for one
/// idle slot is not what an organiser rescheduling after one change wants. Then a hill climb that
/// takes every shift lowering the idle slots (or keeping them and moving fewer meetings).
pub fn polish(problem: &Problem, state: &mut State, options: Options) {
    let mut idle: Vec<usize> = (0..problem.participants as u32)
        .map(|p| state.idle_of(problem, p))
        .collect();
    let rescheduling = problem.previous.iter().any(Option::is_some);
    if !rescheduling && state.placed > 0 {
        anneal(problem, state, &mut idle, options);
    }
    if rescheduling {
        restore(problem, state, options.seed);
        idle = (0..problem.participants as u32)
            .map(|p| state.idle_of(problem, p))
            .collect();
    }
    for _round in 0..20 {
        let mut improved = false;
        for m in 0..problem.meetings() as u32 {
            if state.slot_of[m as usize] == NONE || problem.pinned[m as usize].is_some() {
                continue;
            }
            for &to in &problem.feasible[m as usize] {
                let Some(shift) = shift(problem, state, &mut idle, m, to) else {
                    continue;
                };
                if shift.idle_after < shift.idle_before
                    || (shift.idle_after == shift.idle_before && state.moved < shift.moved_before)
                {
                    improved = true;
                    break;
                }
                undo(problem, state, &mut idle, &shift);
            }
        }
        if !improved {
            break;
        }
    }
}

/// The search's walk may move many meetings on its way to a better schedule. This puts each
/// moved meeting back into last time's slot, ejecting what stands in its way and putting each
/// ejected meeting back into its own last slot or the first slot that takes it, and keeps the
/// change when the key (placed, short, moved) gets better.
fn restore(problem: &Problem, state: &mut State, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7e57);
    for _round in 0..5 {
        let mut restored = false;
        for m in 0..problem.meetings() as u32 {
            let Some(previous) = problem.previous[m as usize] else {
                continue;
            };
            let slot = state.slot_of[m as usize];
            let returnable = slot != previous.slot
                && problem.pinned[m as usize].is_none()
                && problem.feasible[m as usize].contains(&previous.slot);
            if !returnable {
                continue;
            }
            let before = state.key();
            let mut touched = vec![(m, slot)];
            if slot != NONE {
                state.remove(problem, m);
            }
            let Some(chosen) = evaluate(problem, state, m, previous.slot, &mut rng) else {
                if slot != NONE {
                    state.place(problem, m, slot);
                }
                continue;
            };
            let ejected = &chosen.ejected[..chosen.ejected_count];
            for &e in ejected {
                touched.push((e, state.slot_of[e as usize]));
                state.remove(problem, e);
            }
            state.place(problem, m, previous.slot);
            for &e in ejected {
                let back = problem.previous[e as usize]
                    .map(|p| p.slot)
                    .filter(|&s| problem.feasible[e as usize].contains(&s) && state.fits(problem, e, s));
                let to = back.or_else(|| {
                    problem.feasible[e as usize]
                        .iter()
                        .copied()
                        .find(|&s| state.fits(problem, e, s))
                });
                if let Some(to) = to {
                    state.place(problem, e, to);
                }
            }
            if state.key() < before {
                restored = true;
                continue;
            }
            for &(t, _) in &touched {
                if state.slot_of[t as usize] != NONE {
                    state.remove(problem, t);
                }
            }
            for &(t, was) in &touched {
                if was != NONE {
                    state.place(problem, t, was);
                }
            }
        }
        if !restored {
            break;
        }
    }
}

fn anneal(problem: &Problem, state: &mut State, idle: &mut Vec<usize>, options: Options) {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x1d1e);
    let placed: Vec<u32> = (0..problem.meetings() as u32)
        .filter(|&m| state.slot_of[m as usize] != NONE && problem.pinned[m as usize].is_none())
        .collect();
    if placed.is_empty() {
        return;
    }
    let mut total: usize = idle.iter().sum();
    let mut best_total = total;
    let mut best_slots = state.slot_of.clone();
    let steps = 100 * placed.len();
    let (hot, cold) = (1.5f64, 0.05f64);
    for step in 0..steps {
        if best_total == 0 {
            break;
        }
        let temperature = hot * (cold / hot).powf(step as f64 / steps as f64);
        let m = placed[rng.gen_range(0..placed.len())];
        let feasible = &problem.feasible[m as usize];
        let to = feasible[rng.gen_range(0..feasible.len())];
        let Some(shift) = shift(problem, state, idle, m, to) else {
            continue;
        };
        let delta = shift.idle_after as f64 - shift.idle_before as f64;
        if delta <= 0.0 || rng.gen::<f64>() < (-delta / temperature).exp() {
            total = total + shift.idle_after - shift.idle_before;
            if total < best_total {
                best_total = total;
                best_slots.clone_from(&state.slot_of);
            }
        } else {
            undo(problem, state, idle, &shift);
        }
    }
    if state.slot_of != best_slots {
        let mut best = State::empty(problem);
        for (m, &s) in best_slots.iter().enumerate() {
            if s != NONE {
                best.place(problem, m as u32, s);
            }
        }
        *state = best;
        *idle = (0..problem.participants as u32)
            .map(|p| state.idle_of(problem, p))
            .collect();
    }
}

/// A shift that was made, and how to take it back.
struct Shift {
    meeting: u32,
    from: u32,
    to: u32,
    /// The meeting of one of its sides that went the other way, if any.
    partner: Option<u32>,
    involved: [u32; 3],
    involved_count: usize,
    idle_was: [usize; 3],
    idle_before: usize,
    idle_after: usize,
    moved_before: usize,
}

/// Moves placed meeting `m` to slot `to`, into a free seat, or by swapping with the one meeting
/// of one of its sides there when that meeting's other side is free where `m` was. Counts stay;
/// the participants' idle slots are updated. `None` when neither is possible.
fn shift(problem: &Problem, state: &mut State, idle: &mut [usize], m: u32, to: u32) -> Option<Shift> {
    let from = state.slot_of[m as usize];
    if from == to {
        return None;
    }
    let [a, b] = problem.ends[m as usize];
    let (in_a, in_b) = (state.busy_at(a, to), state.busy_at(b, to));
    let mut involved = [a, b, NONE];
    let mut involved_count = 2;
    let partner = match (in_a, in_b) {
        (NONE, NONE) if state.load(to) < problem.tables => None,
        (e, NONE) | (NONE, e) if e != NONE => {
            let [x, y] = problem.ends[e as usize];
            let other = if x == a || x == b { y } else { x };
            let movable = problem.pinned[e as usize].is_none()
                && state.busy_at(other, from) == NONE
                && problem.is_available(other, from);
            if !movable {
                return None;
            }
            involved[2] = other;
            involved_count = 3;
            Some(e)
        }
        _ => return None,
    };
    let mut idle_was = [0; 3];
    for i in 0..involved_count {
        idle_was[i] = idle[involved[i] as usize];
    }
    let moved_before = state.moved;
    state.remove(problem, m);
    if let Some(e) = partner {
        state.remove(problem, e);
        state.place(problem, e, from);
    }
    state.place(problem, m, to);
    let mut idle_after = 0;
    for &p in &involved[..involved_count] {
        idle[p as usize] = state.idle_of(problem, p);
        idle_after += idle[p as usize];
    }
    Some(Shift {
        meeting: m,
        from,
        to,
        partner,
        involved,
        involved_count,
        idle_was,
        idle_before: idle_was.iter().sum(),
        idle_after,
        moved_before,
    })
}

fn undo(problem: &Problem, state: &mut State, idle: &mut [usize], shift: &Shift) {
    state.remove(problem, shift.meeting);
    if let Some(e) = shift.partner {
        state.remove(problem, e);
        state.place(problem, e, shift.to);
    }
    state.place(problem, shift.meeting, shift.from);
    for i in 0..shift.involved_count {
        idle[shift.involved[i] as usize] = shift.idle_was[i];
    }
}
