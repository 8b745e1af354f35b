//! A partial schedule under construction: which slot each meeting is in, who is busy when, how
//! full each slot is, and the objective's counters kept up to date move by move.

use super::problem::{Problem, NONE};

/// The objective as one ordered key, smaller is better: unplaced, short, then moved. (Idle slots
/// are left to the polish, which keeps the first two fixed.)
pub type Key = (usize, usize, usize);

#[derive(Debug, Clone)]
pub struct State {
    pub slots: usize,
    /// The slot of each meeting, or [`NONE`].
    pub slot_of: Vec<u32>,
    /// `busy[p * slots + s]`: the meeting participant `p` has in slot `s`, or [`NONE`].
    pub busy: Vec<u32>,
    /// The meetings in each slot, and each meeting's index in its slot's list.
    pub members: Vec<Vec<u32>>,
    position: Vec<u32>,
    pub count: Vec<u32>,
    pub placed: usize,
    pub short: usize,
    pub moved: usize,
}

impl State {
    pub fn empty(problem: &Problem) -> State {
        State {
            slots: problem.slots,
            slot_of: vec![NONE; problem.meetings()],
            busy: vec![NONE; problem.participants * problem.slots],
            members: vec![Vec::new(); problem.slots],
            position: vec![NONE; problem.meetings()],
            count: vec![0; problem.participants],
            placed: 0,
            short: problem.wish.iter().filter(|&&w| w > 0).count(),
            moved: problem.previous.iter().filter(|p| p.is_some()).count(),
        }
    }

    pub fn key(&self) -> Key {
        (self.slot_of.len() - self.placed, self.short, self.moved)
    }

    pub fn placed_count(&self) -> usize {
        self.placed
    }

    pub fn busy_at(&self, participant: u32, slot: u32) -> u32 {
        self.busy[participant as usize * self.slots + slot as usize]
    }

    pub fn load(&self, slot: u32) -> usize {
        self.members[slot as usize].len()
    }

    /// Whether `meeting` could go into `slot` as things stand, with nothing ejected.
    pub fn fits(&self, problem: &Problem, meeting: u32, slot: u32) -> bool {
        let [a, b] = problem.ends[meeting as usize];
        self.load(slot) < problem.tables
            && self.busy_at(a, slot) == NONE
            && self.busy_at(b, slot) == NONE
            && self.count[a as usize] < problem.max[a as usize]
            && self.count[b as usize] < problem.max[b as usize]
            && problem.is_available(a, slot)
            && problem.is_available(b, slot)
    }

    fn is_moved(problem: &Problem, meeting: u32, slot: u32) -> bool {
        problem.previous[meeting as usize].is_some_and(|p| p.slot != slot)
    }

    /// Puts an unplaced meeting into a slot; the caller has made room.
    pub fn place(&mut self, problem: &Problem, meeting: u32, slot: u32) {
        debug_assert_eq!(self.slot_of[meeting as usize], NONE);
        let m = meeting as usize;
        self.slot_of[m] = slot;
        self.position[m] = self.members[slot as usize].len() as u32;
        self.members[slot as usize].push(meeting);
        for p in problem.ends[m] {
            debug_assert_eq!(self.busy_at(p, slot), NONE);
            self.busy[p as usize * self.slots + slot as usize] = meeting;
            let p = p as usize;
            if self.count[p] + 1 == problem.wish[p] {
                self.short -= 1;
            }
            self.count[p] += 1;
        }
        self.placed += 1;
        if problem.previous[m].is_some() && !Self::is_moved(problem, meeting, slot) {
            self.moved -= 1;
        }
    }

    /// Takes a placed meeting out of its slot.
    pub fn remove(&mut self, problem: &Problem, meeting: u32) {
        let m = meeting as usize;
        let slot = self.slot_of[m];
        debug_assert_ne!(slot, NONE);
        let list = &mut self.members[slot as usize];
        let at = self.position[m] as usize;
        list.swap_remove(at);
        if let Some(&shifted) = list.get(at) {
            self.position[shifted as usize] = at as u32;
        }
        self.position[m] = NONE;
        self.slot_of[m] = NONE;
        for p in problem.ends[m] {
            self.busy[p as usize * self.slots + slot as usize] = NONE;
            let p = p as usize;
            if self.count[p] == problem.wish[p] {
                self.short += 1;
            }
            self.count[p] -= 1;
        }
        self.placed -= 1;
        if problem.previous[m].is_some() && !Self::is_moved(problem, meeting, slot) {
            self.moved += 1;
        }
    }

    /// Available, unused slots between the participant's first and last meeting.
    pub fn idle_of(&self, problem: &Problem, participant: u32) -> usize {
        let row = &self.busy[participant as usize * self.slots..(participant as usize + 1) * self.slots];
        let Some(first) = row.iter().position(|&m| m != NONE) else {
            return 0;
        };
        let last = row.iter().rposition(|&m| m != NONE).unwrap_or(first);
        (first..=last)
            .filter(|&s| row[s] == NONE && problem.is_available(participant, s as u32))
            .count()
    }
}
