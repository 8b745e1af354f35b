//! Starting schedules: the plain first-fit pass (the baseline), and the constructive pass the
//! search starts from, which keeps last time's placement where it still holds and places the
//! hardest meetings first into the slots that keep days compact.

use super::{
    problem::{Problem, NONE},
    state::State,
};

/// Pins, then every meeting in the instance's order into the earliest slot that takes it.
pub fn first_fit(problem: &Problem) -> State {
    let mut state = pinned(problem);
    for m in 0..problem.meetings() as u32 {
        if state.slot_of[m as usize] != NONE {
            continue;
        }
        if let Some(&s) = problem.feasible[m as usize]
            .iter()
            .find(|&&s| state.fits(problem, m, s))
        {
            state.place(problem, m, s);
        }
    }
    state
}

/// Pins, last time's slots that still fit, then the rest hardest first, each into the slot
/// nearest the meetings its two sides already have.
pub fn construct(problem: &Problem) -> State {
    let mut state = pinned(problem);
    for m in 0..problem.meetings() as u32 {
        if let Some(previous) = problem.previous[m as usize] {
            let fits = previous.slot < problem.slots as u32 && state.fits(problem, m, previous.slot);
            if state.slot_of[m as usize] == NONE && fits {
                state.place(problem, m, previous.slot);
            }
        }
    }
    // A participant whose meetings nearly fill its available slots leaves the least room.
    let tightness: Vec<f64> = (0..problem.participants)
        .map(|p| {
            let available = (0..problem.slots)
                .filter(|&s| problem.available[p * problem.slots + s])
                .count();
            problem.incident[p].len() as f64 / available.max(1) as f64
        })
        .collect();
    let mut order: Vec<u32> = (0..problem.meetings() as u32)
        .filter(|&m| state.slot_of[m as usize] == NONE)
        .collect();
    let hardness = |m: u32| {
        let [a, b] = problem.ends[m as usize];
        (
            problem.feasible[m as usize].len(),
            -(tightness[a as usize] + tightness[b as usize]),
        )
    };
    order.sort_by(|&x, &y| {
        hardness(x)
            .partial_cmp(&hardness(y))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.cmp(&y))
    });
    for m in order {
        let best = problem.feasible[m as usize]
            .iter()
            .copied()
            .filter(|&s| state.fits(problem, m, s))
            .max_by_key(|&s| (compactness(problem, &state, m, s), std::cmp::Reverse(s)));
        if let Some(s) = best {
            state.place(problem, m, s);
        }
    }
    state
}

fn pinned(problem: &Problem) -> State {
    let mut state = State::empty(problem);
    for (m, pin) in problem.pinned.iter().enumerate() {
        if let Some(pin) = pin {
            state.place(problem, m as u32, pin.slot);
        }
    }
    state
}

/// How little putting `meeting` into `slot` stretches its two sides' days: 0 when next to (or
/// the first of) each side's meetings, less the further away.
pub fn compactness(problem: &Problem, state: &State, meeting: u32, slot: u32) -> i64 {
    problem.ends[meeting as usize]
        .iter()
        .map(|&p| {
            let row = &state.busy[p as usize * state.slots..(p as usize + 1) * state.slots];
            row.iter()
                .enumerate()
                .filter(|(_, &m)| m != NONE)
                .map(|(s, _)| (s as i64 - slot as i64).abs() - 1)
                .min()
                .map_or(0, |distance| -distance.max(0))
        })
        .sum()
}
