//! The improvement: a tabu search over partial schedules that places more meetings (ejection
//! chains, after PartialCol), and a hill climb that then shortens the participants' waits
//! without changing who meets whom.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    problem::{Problem, NONE},
    state::{Key, State},
    Options,
};

/// Unplaced meetings looked at per move; the others wait for a later move.
const CANDIDATES: usize = 64;
/// At most: one meeting of each side in the slot, one of a full slot, one of each side at its max.
const MAX_EJECTED: usize = 5;

struct Move {
    meeting: u32,
    slot: u32,
    ejected: [u32; MAX_EJECTED],
    ejected_count: usize,
    key: Key,
}

/// Improves `start` by tabu search and returns the best schedule seen (never worse than
/// `start`). Stops early at `target`: as many placed and as few short as the bounds allow, and
/// nothing moved.
pub fn search(problem: &Problem, start: State, options: Options, target: Key) -> State {
    let meetings = problem.meetings();
    let slots = problem.slots;
    let mut state = start;
    let mut best_key = state.key();
    let mut best_slots = state.slot_of.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    // `tabu[m * slots + s]`: the move at which meeting m may go back into slot s.
    let mut tabu = vec![0u64; meetings * slots];
    let mut pool = Pool::new(meetings);
    for m in 0..meetings as u32 {
        if state.slot_of[m as usize] == NONE && !problem.feasible[m as usize].is_empty() {
            pool.insert(m);
        }
    }
    let max_moves = options.moves_per_meeting.saturating_mul(meetings as u64);
    let patience = options.patience_per_meeting.saturating_mul(meetings as u64).max(1_000);
    let mut since_best = 0u64;
    let mut candidates = Vec::with_capacity(CANDIDATES);
    for iteration in 1..=max_moves {
        if pool.is_empty() || since_best > patience || best_key <= target {
            break;
        }
        candidates.clear();
        if pool.len() <= CANDIDATES {
            candidates.extend_from_slice(&pool.items);
        } else {
            candidates.extend((0..CANDIDATES).map(|_| pool.items[rng.gen_range(0..pool.len())]));
        }
        let mut chosen: Option<Move> = None;
        let mut ties = 0u32;
        for &m in &candidates {
            for &s in &problem.feasible[m as usize] {
                let Some(candidate) = evaluate(problem, &state, m, s, &mut rng) else {
                    continue;
                };
                let allowed = tabu[m as usize * slots + s as usize] <= iteration || candidate.key < best_key;
                if !allowed {
                    continue;
                }
                match &chosen {
                    Some(current) if candidate.key > current.key => {}
                    Some(current) if candidate.key == current.key => {
                        // Among equal moves, each is chosen with the same chance.
                        ties += 1;
                        if rng.gen_range(0..ties) == 0 {
                            chosen = Some(candidate);
                        }
                    }
                    _ => {
                        ties = 1;
                        chosen = Some(candidate);
                    }
                }
            }
        }
        since_best += 1;
        let Some(chosen) = chosen else { continue };
        let tenure = rng.gen_range(0..10u64) + (pool.len() as u64 * 6) / 10;
        for &e in &chosen.ejected[..chosen.ejected_count] {
            let from = state.slot_of[e as usize];
            state.remove(problem, e);
            tabu[e as usize * slots + from as usize] = iteration + tenure;
            pool.insert(e);
        }
        state.place(problem, chosen.meeting, chosen.slot);
        pool.remove(chosen.meeting);
        debug_assert_eq!(state.key(), chosen.key);
        if state.key() < best_key {
            best_key = state.key();
            best_slots.clone_from(&state.slot_of);
            since_best = 0;
        }
    }
    if state.slot_of == best_slots {
        return state;
    }
    let mut best = State::empty(problem);
    for (m, &s) in best_slots.iter().enumerate() {
        if s != NONE {
            best.place(problem, m as u32, s);
        }
    }
    best
}

/// What placing unplaced `meeting` into `slot` ejects, and the key it leads to; `None` when a
/// pinned meeting stands in the way.
fn evaluate(problem: &Problem, state: &State, meeting: u32, slot: u32, rng: &mut ChaCha8Rng) -> Option<Move> {
    if problem.tables == 0 {
        return None;
    }
    let ends = problem.ends[meeting as usize];
    let mut ejected = [NONE; MAX_EJECTED];
    let mut n = 0;
    let pinned = |m: u32| problem.pinned[m as usize].is_some();
    for p in ends {
        let e = state.busy_at(p, slot);
        if e != NONE && !ejected[..n].contains(&e) {
            if pinned(e) {
                return None;
            }
            ejected[n] = e;
            n += 1;
        }
    }
    if state.load(slot) - n >= problem.tables {
        let members = &state.members[slot as usize];
        // The most movable of a few meetings drawn from the slot, else any that may move.
        let victim = (0..3)
            .map(|_| members[rng.gen_range(0..members.len())])
            .chain(members.iter().copied())
            .filter(|&e| !pinned(e) && !ejected[..n].contains(&e))
            .take(3)
            .max_by_key(|&e| problem.feasible[e as usize].len())?;
        ejected[n] = victim;
        n += 1;
    }
    for p in ends {
        let ejected_here = ejected[..n]
            .iter()
            .filter(|&&e| problem.ends[e as usize].contains(&p))
            .count() as u32;
        if state.count[p as usize] - ejected_here < problem.max[p as usize] {
            continue;
        }
        let offset = rng.gen_range(0..problem.incident[p as usize].len().max(1));
        let incident = &problem.incident[p as usize];
        let victim = (0..incident.len())
            .map(|i| incident[(i + offset) % incident.len()])
            .filter(|&e| e != meeting && state.slot_of[e as usize] != NONE && !pinned(e) && !ejected[..n].contains(&e))
            .max_by_key(|&e| problem.feasible[e as usize].len())?;
        ejected[n] = victim;
        n += 1;
    }
    // The counts that change, to see who stops or starts being short.
    let mut changes: [(u32, i32); 2 * MAX_EJECTED + 2] = [(NONE, 0); 2 * MAX_EJECTED + 2];
    let mut changed = 0;
    let mut change = |p: u32, by: i32| {
        if let Some(entry) = changes[..changed].iter_mut().find(|(q, _)| *q == p) {
            entry.1 += by;
        } else {
            changes[changed] = (p, by);
            changed += 1;
        }
    };
    for p in ends {
        change(p, 1);
    }
    for &e in &ejected[..n] {
        for p in problem.ends[e as usize] {
            change(p, -1);
        }
    }
    let mut short = state.short as i64;
    for &(p, by) in &changes[..changed] {
        let (count, wish) = (state.count[p as usize] as i64, problem.wish[p as usize] as i64);
        short += i64::from(count + (by as i64) < wish) - i64::from(count < wish);
    }
    let moved_now = |m: u32, s: u32| problem.previous[m as usize].is_some_and(|p| p.slot != s);
    let mut moved = state.moved as i64;
    if problem.previous[meeting as usize].is_some() {
        moved += i64::from(moved_now(meeting, slot)) - 1;
    }
    for &e in &ejected[..n] {
        if problem.previous[e as usize].is_some() {
            moved += 1 - i64::from(moved_now(e, state.slot_of[e as usize]));
        }
    }
    let unplaced = state.slot_of.len() - state.placed + n - 1;
    Some(Move {
        meeting,
        slot,
        ejected,
        ejected_count: n,
        key: (unplaced, short.max(0) as usize, moved.max(0) as usize),
    })
}

/// The unplaced meetings the search may place, with O(1) insert and remove.
struct Pool {
    items: Vec<u32>,
    at: Vec<u32>,
}

impl Pool {
    fn new(meetings: usize) -> Pool {
        Pool {
            items: Vec::new(),
            at: vec![NONE; meetings],
        }
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn insert(&mut self, m: u32) {
        if self.at[m as usize] == NONE {
            self.at[m as usize] = self.items.len() as u32;
            self.items.push(m);
        }
    }

    fn remove(&mut self, m: u32) {
        let at = self.at[m as usize];
        if at == NONE {
            return;
        }
        self.items.swap_remove(at as usize);
        if let Some(&shifted) = self.items.get(at as usize) {
            self.at[shifted as usize] = at;
        }
        self.at[m as usize] = NONE;
    }
}

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
