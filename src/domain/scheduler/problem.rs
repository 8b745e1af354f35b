//! The instance checked and indexed: ids become numbers, availability a table, and every refusal
//! of a malformed or contradictory instance is an [`InstanceError`] naming the item.

use std::collections::HashMap;

use crate::error::ErrorCode;

use super::{Instance, Position};

/// Slots beyond this are refused: the search keeps a participant × slot table.
pub const MAX_SLOTS: u32 = 1_024;
/// Tables beyond this are refused: no venue has them, and a typo should not allocate gigabytes.
pub const MAX_TABLES: u32 = 100_000;

/// Why an instance cannot be scheduled; each names the item at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    #[error("slotCount {0} is more than {MAX_SLOTS}")]
    TooManySlots(u32),
    #[error("tableCount {0} is more than {MAX_TABLES}")]
    TooManyTables(u32),
    #[error("participant {0:?} appears twice")]
    DuplicateParticipant(String),
    #[error("meeting {0:?} appears twice")]
    DuplicateMeeting(String),
    #[error("participant {participant:?} is available in slot {slot}, but slots run from 0 to slotCount - 1 ({slot_count} slots)")]
    AvailableSlotOutOfRange {
        participant: String,
        slot: u32,
        slot_count: u32,
    },
    #[error("meeting {meeting:?} is between {participant:?}, which is not a participant")]
    UnknownParticipant { meeting: String, participant: String },
    #[error("meeting {meeting:?} is between {participant:?} and itself")]
    MeetingWithItself { meeting: String, participant: String },
    #[error("meeting {meeting:?} is pinned to slot {slot}, but there are {slot_count} slots")]
    PinnedSlotOutOfRange {
        meeting: String,
        slot: u32,
        slot_count: u32,
    },
    #[error("meeting {meeting:?} is pinned to table {table}, but there are {table_count} tables")]
    PinnedTableOutOfRange {
        meeting: String,
        table: u32,
        table_count: u32,
    },
    #[error("meeting {meeting:?} is pinned to slot {slot}, in which {participant:?} is not available")]
    PinnedOutsideAvailability {
        meeting: String,
        participant: String,
        slot: u32,
    },
    #[error("meetings {first:?} and {second:?} are both pinned to slot {slot}, table {table}")]
    PinnedToSameTable {
        first: String,
        second: String,
        slot: u32,
        table: u32,
    },
    #[error(
        "meetings {first:?} and {second:?} are both pinned to slot {slot}, and {participant:?} takes part in both"
    )]
    PinnedTwiceInSlot {
        first: String,
        second: String,
        participant: String,
        slot: u32,
    },
    #[error("participant {participant:?} has {pinned} pinned meetings, more than its maximum of {max}")]
    PinnedPastMaximum { participant: String, pinned: u32, max: u32 },
}

impl InstanceError {
    /// The code a caller of the service sees: the instance comes from the caller's data.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::BadUserInput
    }
}

/// "No meeting" and "no slot" in the index tables.
pub const NONE: u32 = u32::MAX;

/// The instance in numbers. Participants and meetings keep the instance's order.
#[derive(Debug)]
pub struct Problem {
    pub slots: usize,
    pub tables: usize,
    pub participants: usize,
    /// `available[p * slots + s]`.
    pub available: Vec<bool>,
    pub max: Vec<u32>,
    /// What a participant wishes: its meetings, capped by its maximum.
    pub wish: Vec<u32>,
    pub ends: Vec<[u32; 2]>,
    pub pinned: Vec<Option<Position>>,
    pub previous: Vec<Option<Position>>,
    /// The slots both sides are available in, ascending.
    pub feasible: Vec<Vec<u32>>,
    /// The meetings of each participant.
    pub incident: Vec<Vec<u32>>,
}

impl Problem {
    pub fn new(instance: &Instance) -> Result<Problem, InstanceError> {
        if instance.slot_count > MAX_SLOTS {
            return Err(InstanceError::TooManySlots(instance.slot_count));
        }
        if instance.table_count > MAX_TABLES {
            return Err(InstanceError::TooManyTables(instance.table_count));
        }
        let slots = instance.slot_count as usize;
        let participants = instance.participants.len();
        let mut index = HashMap::with_capacity(participants);
        let mut available = vec![false; participants * slots];
        for (p, participant) in instance.participants.iter().enumerate() {
            if index.insert(participant.id.as_str(), p as u32).is_some() {
                return Err(InstanceError::DuplicateParticipant(participant.id.clone()));
            }
            for &slot in &participant.available_slots {
                if slot >= instance.slot_count {
                    return Err(InstanceError::AvailableSlotOutOfRange {
                        participant: participant.id.clone(),
                        slot,
                        slot_count: instance.slot_count,
                    });
                }
                available[p * slots + slot as usize] = true;
            }
        }
        let mut meeting_ids = HashMap::with_capacity(instance.meetings.len());
        let mut ends = Vec::with_capacity(instance.meetings.len());
        let mut incident = vec![Vec::new(); participants];
        for (m, meeting) in instance.meetings.iter().enumerate() {
            if meeting_ids.insert(meeting.id.as_str(), m).is_some() {
                return Err(InstanceError::DuplicateMeeting(meeting.id.clone()));
            }
            let mut pair = [0u32; 2];
            for (side, id) in meeting.between.iter().enumerate() {
                pair[side] = *index
                    .get(id.as_str())
                    .ok_or_else(|| InstanceError::UnknownParticipant {
                        meeting: meeting.id.clone(),
                        participant: id.clone(),
                    })?;
            }
            if pair[0] == pair[1] {
                return Err(InstanceError::MeetingWithItself {
                    meeting: meeting.id.clone(),
                    participant: meeting.between[0].clone(),
                });
            }
            incident[pair[0] as usize].push(m as u32);
            incident[pair[1] as usize].push(m as u32);
            ends.push(pair);
        }
        let problem = Problem {
            slots,
            tables: instance.table_count as usize,
            participants,
            max: instance.participants.iter().map(|p| p.max_meetings).collect(),
            wish: instance
                .participants
                .iter()
                .zip(&incident)
                .map(|(p, meetings)| p.max_meetings.min(meetings.len() as u32))
                .collect(),
            feasible: ends
                .iter()
                .map(|&[a, b]| {
                    (0..slots as u32)
                        .filter(|&s| {
                            available[a as usize * slots + s as usize] && available[b as usize * slots + s as usize]
                        })
                        .collect()
                })
                .collect(),
            available,
            pinned: instance.meetings.iter().map(|m| m.pinned).collect(),
            previous: instance.meetings.iter().map(|m| m.previous).collect(),
            ends,
            incident,
        };
        problem.check_pins(instance)?;
        Ok(problem)
    }

    pub fn is_available(&self, participant: u32, slot: u32) -> bool {
        self.available[participant as usize * self.slots + slot as usize]
    }

    pub fn meetings(&self) -> usize {
        self.ends.len()
    }

    fn check_pins(&self, instance: &Instance) -> Result<(), InstanceError> {
        let mut tables: HashMap<(u32, u32), usize> = HashMap::new();
        let mut busy: HashMap<(u32, u32), usize> = HashMap::new();
        let mut pinned = vec![0u32; self.participants];
        for (m, meeting) in instance.meetings.iter().enumerate() {
            let Some(pin) = meeting.pinned else { continue };
            if pin.slot >= instance.slot_count {
                return Err(InstanceError::PinnedSlotOutOfRange {
                    meeting: meeting.id.clone(),
                    slot: pin.slot,
                    slot_count: instance.slot_count,
                });
            }
            if pin.table >= instance.table_count {
                return Err(InstanceError::PinnedTableOutOfRange {
                    meeting: meeting.id.clone(),
                    table: pin.table,
                    table_count: instance.table_count,
                });
            }
            for (side, &p) in self.ends[m].iter().enumerate() {
                if !self.is_available(p, pin.slot) {
                    return Err(InstanceError::PinnedOutsideAvailability {
                        meeting: meeting.id.clone(),
                        participant: meeting.between[side].clone(),
                        slot: pin.slot,
                    });
                }
                if let Some(&other) = busy.get(&(p, pin.slot)) {
                    return Err(InstanceError::PinnedTwiceInSlot {
                        first: instance.meetings[other].id.clone(),
                        second: meeting.id.clone(),
                        participant: meeting.between[side].clone(),
                        slot: pin.slot,
                    });
                }
                busy.insert((p, pin.slot), m);
                pinned[p as usize] += 1;
                if pinned[p as usize] > self.max[p as usize] {
                    return Err(InstanceError::PinnedPastMaximum {
                        participant: meeting.between[side].clone(),
                        pinned: pinned[p as usize],
                        max: self.max[p as usize],
                    });
                }
            }
            if let Some(&other) = tables.get(&(pin.slot, pin.table)) {
                return Err(InstanceError::PinnedToSameTable {
                    first: instance.meetings[other].id.clone(),
                    second: meeting.id.clone(),
                    slot: pin.slot,
                    table: pin.table,
                });
            }
            tables.insert((pin.slot, pin.table), m);
        }
        Ok(())
    }
}
