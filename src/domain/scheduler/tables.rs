//! Tables, handed out once the slots are chosen: pinned meetings keep their table, a meeting
//! still in last time's slot keeps last time's table when it is free, the rest take the lowest
//! free tables in the instance's order.

use super::{
    problem::{Problem, NONE},
    state::State,
};

/// The table of each meeting, [`NONE`] for an unplaced one.
pub fn assign(problem: &Problem, state: &State) -> Vec<u32> {
    let mut table_of = vec![NONE; problem.meetings()];
    let mut taken = vec![false; problem.tables];
    for members in &state.members {
        let mut members = members.clone();
        members.sort_unstable();
        taken.iter_mut().for_each(|t| *t = false);
        for &m in &members {
            if let Some(pin) = problem.pinned[m as usize] {
                table_of[m as usize] = pin.table;
                taken[pin.table as usize] = true;
            }
        }
        for &m in &members {
            let kept = problem.previous[m as usize]
                .filter(|p| p.slot == state.slot_of[m as usize] && (p.table as usize) < problem.tables);
            if let Some(previous) = kept {
                if table_of[m as usize] == NONE && !taken[previous.table as usize] {
                    table_of[m as usize] = previous.table;
                    taken[previous.table as usize] = true;
                }
            }
        }
        let mut free = 0;
        for &m in &members {
            if table_of[m as usize] != NONE {
                continue;
            }
            while taken[free] {
                free += 1;
            }
            table_of[m as usize] = free as u32;
            taken[free] = true;
        }
    }
    table_of
}
