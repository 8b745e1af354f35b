//! An upper bound on the meetings any schedule can place, to judge a schedule against when the
//! optimum is out of reach.
//!
//! Each placed meeting takes one seat of each of its two sides in one slot. Relax "both seats in
//! the same slot" and what is left is a flow: from each participant (at most its maximum, and at
//! most the number of its meetings that fit distinct slots — a bipartite matching of its meetings
//! to the slots both sides of each are available in) to each slot it has a meeting it could hold
//! in (one seat), to the sink (two seats per table). Every schedule is such a flow of twice its
//! meetings, so half the maximum flow bounds them. So does a b-matching bound that ignores slots
//! but not who meets whom (a participant's seats are worth nothing if its partners have none),
//! and the meeting count.

use super::{problem::Problem, Instance, InstanceError};

/// The bound for an instance.
pub fn upper_bound(instance: &Instance) -> Result<usize, InstanceError> {
    Ok(upper_bound_of(&Problem::new(instance)?))
}

pub(super) fn upper_bound_of(problem: &Problem) -> usize {
    let (participants, slots) = (problem.participants, problem.slots);
    let source = participants + slots;
    let sink = source + 1;
    let mut flow = Flow::new(sink + 1);
    let caps: Vec<usize> = (0..participants)
        .map(|p| distinct_slot_matching(problem, p).min(problem.max[p] as usize))
        .collect();
    for (p, &cap) in caps.iter().enumerate() {
        let usable = usable_slots(problem, p);
        if cap == 0 {
            continue;
        }
        flow.edge(source, p, cap as i64);
        for (s, &usable) in usable.iter().enumerate() {
            if usable {
                flow.edge(p, participants + s, 1);
            }
        }
    }
    for s in 0..slots {
        flow.edge(participants + s, sink, 2 * problem.tables as i64);
    }
    let seats = (flow.max_flow(source, sink) / 2) as usize;
    seats.min(b_matching(problem, &caps)).min(problem.meetings())
}

/// The most meetings that respect every participant's cap, ignoring slots: a b-matching, bounded
/// by half the maximum flow in the bipartite double cover (each meeting an arc from either side's
/// left copy to the other's right copy).
fn b_matching(problem: &Problem, caps: &[usize]) -> usize {
    let n = problem.participants;
    let (source, sink) = (2 * n, 2 * n + 1);
    let mut flow = Flow::new(2 * n + 2);
    for (p, &cap) in caps.iter().enumerate() {
        if cap > 0 {
            flow.edge(source, p, cap as i64);
            flow.edge(n + p, sink, cap as i64);
        }
    }
    for (m, &[a, b]) in problem.ends.iter().enumerate() {
        if !problem.feasible[m].is_empty() {
            flow.edge(a as usize, n + b as usize, 1);
            flow.edge(b as usize, n + a as usize, 1);
        }
    }
    (flow.max_flow(source, sink) / 2) as usize
}

/// Participants who are short in every schedule: fewer of their meetings fit distinct slots
/// than they wish for. The search stops once only these are short.
pub(super) fn short_at_least(problem: &Problem) -> usize {
    (0..problem.participants)
        .filter(|&p| distinct_slot_matching(problem, p) < problem.wish[p] as usize)
        .count()
}

/// The slots in which the participant has at least one meeting both sides could hold.
fn usable_slots(problem: &Problem, participant: usize) -> Vec<bool> {
    let mut usable = vec![false; problem.slots];
    for &m in &problem.incident[participant] {
        for &s in &problem.feasible[m as usize] {
            usable[s as usize] = true;
        }
    }
    usable
}

/// How many of the participant's meetings can go into pairwise different slots (Kuhn's
/// augmenting paths; a participant has few meetings).
fn distinct_slot_matching(problem: &Problem, participant: usize) -> usize {
    let meetings = &problem.incident[participant];
    let mut holder = vec![usize::MAX; problem.slots];
    let mut matched = 0;
    for i in 0..meetings.len() {
        let mut seen = vec![false; problem.slots];
        if augment(problem, meetings, i, &mut holder, &mut seen) {
            matched += 1;
        }
    }
    matched
}

fn augment(problem: &Problem, meetings: &[u32], i: usize, holder: &mut [usize], seen: &mut [bool]) -> bool {
    for &s in &problem.feasible[meetings[i] as usize] {
        let s = s as usize;
        if seen[s] {
            continue;
        }
        seen[s] = true;
        if holder[s] == usize::MAX || augment(problem, meetings, holder[s], holder, seen) {
            holder[s] = i;
            return true;
        }
    }
    false
}

/// Dinic's maximum flow on a small graph.
struct Flow {
    head: Vec<usize>,
    to: Vec<usize>,
    cap: Vec<i64>,
    next: Vec<usize>,
}

impl Flow {
    fn new(nodes: usize) -> Flow {
        Flow {
            head: vec![usize::MAX; nodes],
            to: Vec::new(),
            cap: Vec::new(),
            next: Vec::new(),
        }
    }

    fn edge(&mut self, from: usize, to: usize, cap: i64) {
        for (a, b, c) in [(from, to, cap), (to, from, 0)] {
            self.to.push(b);
            self.cap.push(c);
            self.next.push(self.head[a]);
            self.head[a] = self.to.len() - 1;
        }
    }

    fn max_flow(&mut self, source: usize, sink: usize) -> i64 {
        let nodes = self.head.len();
        let mut total = 0;
        loop {
            let mut level = vec![usize::MAX; nodes];
            level[source] = 0;
            let mut queue = std::collections::VecDeque::from([source]);
            while let Some(v) = queue.pop_front() {
                let mut e = self.head[v];
                while e != usize::MAX {
                    if self.cap[e] > 0 && level[self.to[e]] == usize::MAX {
                        level[self.to[e]] = level[v] + 1;
                        queue.push_back(self.to[e]);
                    }
                    e = self.next[e];
                }
            }
            if level[sink] == usize::MAX {
                return total;
            }
            let mut cursor = self.head.clone();
            loop {
                let pushed = self.push(source, sink, i64::MAX, &level, &mut cursor);
                if pushed == 0 {
                    break;
                }
                total += pushed;
            }
        }
    }

    fn push(&mut self, v: usize, sink: usize, limit: i64, level: &[usize], cursor: &mut [usize]) -> i64 {
        if v == sink {
            return limit;
        }
        while cursor[v] != usize::MAX {
            let e = cursor[v];
            let w = self.to[e];
            if self.cap[e] > 0 && level[w] == level[v] + 1 {
                let pushed = self.push(w, sink, limit.min(self.cap[e]), level, cursor);
                if pushed > 0 {
                    self.cap[e] -= pushed;
                    self.cap[e ^ 1] += pushed;
                    return pushed;
                }
            }
            cursor[v] = self.next[e];
        }
        0
    }
}
