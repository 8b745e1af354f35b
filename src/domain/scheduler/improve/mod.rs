//! The improvement: a tabu search over partial schedules that places more meetings (ejection
//! chains, after PartialCol), here; then, in `waits`, a hill climb that shortens the
//! participants' waits without changing who meets whom.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    problem::{Problem, NONE},
    state::{Key, State},
    Options,
};

mod waits;

pub use self::waits::polish;

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
