//! The meeting scheduler of a matchmaking event: a pure function from an [`Instance`] (slots,
//! tables, participants with their availability and maximum, meetings between two participants,
//! pins, and optionally last time's placement) to a [`Schedule`] (each meeting placed at a slot and
//! a table, or unplaced with a reason, and the figures that judge the result).
//!
//! **The problem.** Every slot holds a set of meetings in which nobody appears twice — a matching
//! of the participants — of at most `table_count` meetings, and only between participants both
//! available then; no participant exceeds its maximum; pinned meetings stay where they are
//! pinned. Choosing the slots is list edge colouring of a multigraph with a bounded colour class
//! size and degree caps, NP-hard in general; tables are interchangeable once the slots are
//! chosen, so they are handed out at the end ([`tables`]). The objective is lexicographic: the
//! most meetings placed; then the fewest participants with fewer meetings than they wished (their
//! meetings, capped by their maximum); then the fewest idle slots (available, unused slots between
//! a participant's first and last meeting — a slot it is away in is not waiting); then, when a
//! previous placement is given, the fewest meetings moved from it.
//!
//! **The method.** A greedy construction ([`construct`]: pins, then last time's placement where it
//! still holds, then the most constrained meetings first, each into the slot that keeps its two
//! participants' days compact), and the plain first-fit pass as a second start, whichever is
//! better. Then a tabu search on partial schedules ([`improve`], after Blöchliger and Zufferey's
//! PartialCol for graph colouring): an unplaced meeting goes into one of its slots, and whatever
//! stands in its way — a meeting of either side in that slot, one meeting of a full slot, one
//! meeting of a side at its maximum — is ejected to the unplaced pool and may not return to the
//! slot it left for a while. Chains of such moves are the augmenting paths a greedy pass cannot
//! find; the best schedule seen is kept. Simulated annealing and then a hill climb shorten waits by
//! moving meetings into free slots and swapping two meetings that share a participant, which keeps
//! every count. On a reschedule the annealing is skipped, and a pass puts meetings the search
//! moved back into last time's slot where that does not worsen placed or short, so few move.
//! Everything random comes from a PRNG with a fixed seed, so the same input gives the same output.
//!
//! **The bound** ([`bound`]): a maximum flow from participants to slots, each participant capped
//! by its maximum and by how many of its meetings fit distinct slots (a bipartite matching), each
//! participant-slot pair by one, each slot by twice its tables; half the flow bounds the meetings
//! any schedule can place, so [`Stats::share_of_bound`] is a guaranteed lower estimate of how
//! close to optimal a schedule is.

pub mod bound;
mod construct;
mod improve;
mod problem;
mod state;
mod stats;
pub mod synthetic;
mod tables;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use problem::InstanceError;

/// What to schedule: the JSON that `clusterbridge schedule --input FILE` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instance {
    /// Slots are numbered from 0.
    pub slot_count: u32,
    /// Tables are numbered from 0; at most this many meetings share a slot.
    pub table_count: u32,
    pub participants: Vec<Participant>,
    pub meetings: Vec<Meeting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participant {
    pub id: String,
    /// The slots it can meet in (a repeated slot counts once).
    pub available_slots: Vec<u32>,
    /// At most this many meetings.
    pub max_meetings: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Meeting {
    pub id: String,
    /// The ids of the two participants.
    pub between: [String; 2],
    /// Where an organiser fixed the meeting; the scheduler never moves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Position>,
    /// Where the last schedule put it, so rescheduling moves as few meetings as it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Position>,
}

/// A slot and a table, both counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Position {
    pub slot: u32,
    pub table: u32,
}

/// The scheduler's answer: every meeting of the instance is in `placed` or in `unplaced`, both in
/// the instance's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub placed: Vec<Placed>,
    pub unplaced: Vec<Unplaced>,
    pub stats: Stats,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Placed {
    pub meeting: String,
    pub slot: u32,
    pub table: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unplaced {
    pub meeting: String,
    /// Why, in words ([`UnplacedReason`]'s text).
    pub reason: String,
}

/// Why a meeting found no place in the final schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnplacedReason {
    #[error("{first} and {second} share no available slot")]
    NoCommonSlot { first: String, second: String },
    #[error("{participant} already has its maximum of {max} meetings")]
    AtMaximum { participant: String, max: u32 },
    #[error(
        "in every slot both {first} and {second} are available, one of them has another meeting or all tables are taken"
    )]
    NoFreeSlot { first: String, second: String },
}

/// The figures that judge a schedule, in the objective's order, and the bound to judge it against.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub meetings: usize,
    pub placed: usize,
    pub unplaced: usize,
    /// No schedule places more meetings than this ([`bound`]).
    pub upper_bound: usize,
    /// `placed / upper_bound` (1 when the bound is 0): at least this close to the optimum.
    pub share_of_bound: f64,
    /// Participants with fewer meetings than min(their meetings, their maximum).
    pub participants_short: usize,
    /// Available, unused slots between a participant's first and last meeting, summed.
    pub idle_slots: usize,
    /// `idle_slots` over the participants with at least one meeting.
    pub mean_idle_slots: f64,
    /// Meetings with a previous position that are now elsewhere or unplaced.
    pub moved: usize,
    /// What the plain first-fit pass places, for comparison.
    pub greedy_placed: usize,
}

/// How long the search runs; the defaults are what the command and `scheduleEvent` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Seed of the PRNG; the same seed and input give the same schedule.
    pub seed: u64,
    /// Tabu moves at most, per meeting of the instance.
    pub moves_per_meeting: u64,
    /// Stop after this many moves per meeting without a better schedule.
    pub patience_per_meeting: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0x5eed_cafe,
            moves_per_meeting: 200,
            patience_per_meeting: 10,
        }
    }
}

/// Schedules `instance` with the default options.
pub fn schedule(instance: &Instance) -> Result<Schedule, InstanceError> {
    schedule_with(instance, Options::default())
}

/// Schedules `instance`; refuses an instance that is malformed or contradicts itself, naming the
/// item at fault.
pub fn schedule_with(instance: &Instance, options: Options) -> Result<Schedule, InstanceError> {
    let problem = problem::Problem::new(instance)?;
    let greedy = construct::first_fit(&problem);
    let greedy_placed = greedy.placed_count();
    let start = construct::construct(&problem);
    let start = if greedy.key() < start.key() { greedy } else { start };
    let upper_bound = bound::upper_bound_of(&problem);
    let target = (problem.meetings() - upper_bound, bound::short_at_least(&problem), 0);
    let mut best = improve::search(&problem, start, options, target);
    improve::polish(&problem, &mut best, options);
    Ok(stats::report(instance, &problem, &best, upper_bound, greedy_placed))
}

/// The plain first-fit pass alone (pins first, then each meeting in the instance's order into the
/// earliest slot that takes it): the baseline the search is measured against.
pub fn greedy(instance: &Instance) -> Result<Schedule, InstanceError> {
    let problem = problem::Problem::new(instance)?;
    let greedy = construct::first_fit(&problem);
    let placed = greedy.placed_count();
    let upper_bound = bound::upper_bound_of(&problem);
    Ok(stats::report(instance, &problem, &greedy, upper_bound, placed))
}
