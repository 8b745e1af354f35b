//! The rules of a meeting that need no database: its kind, the key of its pair, and the request state machine.

use entity::taxonomy::{MeetingKind, MeetingState, ParticipantKind};
use uuid::Uuid;

use super::participant::status_code;
use crate::error::Refusal;

/// The kind of a meeting between participants of these kinds.
pub fn kind_of(a: ParticipantKind, b: ParticipantKind) -> MeetingKind {
    match (a, b) {
        (ParticipantKind::Cluster, ParticipantKind::Cluster) => MeetingKind::C2c,
        (ParticipantKind::Business, ParticipantKind::Business) => MeetingKind::B2b,
        _ => MeetingKind::C2b,
    }
}

/// The key that keeps one live meeting per pair, whoever asked whom.
pub fn live_pair(a: Uuid, b: Uuid) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("{low}:{high}")
}

/// What is asked of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Decline,
    Cancel,
}

/// On whose behalf the caller asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Requester,
    Invitee,
    Organiser,
}

pub(super) fn code(state: MeetingState) -> String {
    status_code(state)
}

/// The state an action leads to, or why it may not: only the invited side accepts or declines,
/// and only a REQUESTED meeting; either side or an organiser cancels a live one.
pub fn next_state(from: MeetingState, action: Action, side: Side) -> Result<MeetingState, Refusal> {
    let refuse = |action, why| Refusal::TransitionNotAllowed {
        what: "meeting",
        from: code(from),
        action,
        why,
    };
    match (action, from, side) {
        (Action::Accept, MeetingState::Requested, Side::Invitee) => Ok(MeetingState::Accepted),
        (Action::Accept, MeetingState::Requested, _) => {
            Err(refuse("accepted", "only the invited side accepts a request"))
        }
        (Action::Accept, _, _) => Err(refuse("accepted", "only a REQUESTED meeting is accepted")),
        (Action::Decline, MeetingState::Requested, Side::Invitee) => Ok(MeetingState::Declined),
        (Action::Decline, MeetingState::Requested, _) => {
            Err(refuse("declined", "only the invited side declines a request"))
        }
        (Action::Decline, _, _) => Err(refuse("declined", "only a REQUESTED meeting is declined")),
        (Action::Cancel, MeetingState::Requested | MeetingState::Accepted, _) => Ok(MeetingState::Cancelled),
        (Action::Cancel, _, _) => Err(refuse("cancelled", "it is no longer live")),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    /// Every (state, action, side) either moves as the rules say or is refused with
    /// TRANSITION_NOT_ALLOWED: nothing else is possible.
    #[test]
    fn the_request_state_machine_refuses_every_invalid_transition() {
        use MeetingState::*;
        let states = [Requested, Accepted, Declined, Cancelled];
        let actions = [Action::Accept, Action::Decline, Action::Cancel];
        let sides = [Side::Requester, Side::Invitee, Side::Organiser];
        let mut allowed = Vec::new();
        for from in states {
            for action in actions {
                for side in sides {
                    match next_state(from, action, side) {
                        Ok(to) => allowed.push((from, action, side, to)),
                        Err(refusal) => assert_eq!(refusal.code(), ErrorCode::TransitionNotAllowed),
                    }
                }
            }
        }
        assert_eq!(
            allowed,
            [
                (Requested, Action::Accept, Side::Invitee, Accepted),
                (Requested, Action::Decline, Side::Invitee, Declined),
                (Requested, Action::Cancel, Side::Requester, Cancelled),
                (Requested, Action::Cancel, Side::Invitee, Cancelled),
                (Requested, Action::Cancel, Side::Organiser, Cancelled),
                (Accepted, Action::Cancel, Side::Requester, Cancelled),
                (Accepted, Action::Cancel, Side::Invitee, Cancelled),
                (Accepted, Action::Cancel, Side::Organiser, Cancelled),
            ]
        );
    }

    #[test]
    fn the_kind_follows_from_the_two_sides() {
        use ParticipantKind::*;
        assert_eq!(kind_of(Cluster, Cluster), MeetingKind::C2c);
        assert_eq!(kind_of(Cluster, Business), MeetingKind::C2b);
        assert_eq!(kind_of(Business, Cluster), MeetingKind::C2b);
        assert_eq!(kind_of(Business, Business), MeetingKind::B2b);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(live_pair(a, b), live_pair(b, a));
    }
}
