//! Refusals by the rules of a life cycle (a matchmaking event's status, a meeting request's
//! state): each has a code of its own in the table, so a client can tell them apart without
//! reading the message.

use super::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `what` cannot go from `from` by `action` (e.g. "meeting", "CANCELLED", "accept").
    #[error("a {what} that is {from} cannot be {action}: {why}")]
    TransitionNotAllowed {
        what: &'static str,
        from: String,
        action: &'static str,
        why: &'static str,
    },
    #[error("the event is {status}: it takes registrations and meeting requests only while OPEN")]
    EventNotOpen { status: String },
    #[error("registration closed at {deadline}")]
    RegistrationDeadlinePassed { deadline: String },
    #[error("meeting requests closed at {deadline}")]
    RequestDeadlinePassed { deadline: String },
    #[error("a participant does not meet itself")]
    MeetingWithOneself,
    #[error("{from} and {to} already have a live meeting request")]
    MeetingAlreadyRequested { from: String, to: String },
    #[error("{participant} has reached its maximum of {max} meetings")]
    MeetingLimitReached { participant: String, max: i32 },
    #[error("{participant} is not an approved participant of the event")]
    ParticipantNotApproved { participant: String },
    #[error("the event does not allow {kind} meetings")]
    MeetingKindNotAllowed { kind: &'static str },
    #[error("the event is {status}: outcomes are recorded once it is FINISHED")]
    EventNotFinished { status: String },
    #[error("the meeting is {state}{unscheduled}: only an accepted meeting that had a slot took place")]
    MeetingNotHeld { state: String, unscheduled: &'static str },
    #[error("this link is not valid (any more): it may have expired or been used; ask for a new one")]
    LinkInvalid,
    #[error("the change feed no longer holds the changes after this cursor: synchronise again from the list, then follow the feed from `changeFeedCursor`")]
    CursorExpired,
}

impl Refusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::TransitionNotAllowed { .. } => ErrorCode::TransitionNotAllowed,
            Refusal::EventNotOpen { .. } => ErrorCode::EventNotOpen,
            Refusal::RegistrationDeadlinePassed { .. } => ErrorCode::RegistrationDeadlinePassed,
            Refusal::RequestDeadlinePassed { .. } => ErrorCode::RequestDeadlinePassed,
            Refusal::MeetingWithOneself => ErrorCode::MeetingWithOneself,
            Refusal::MeetingAlreadyRequested { .. } => ErrorCode::MeetingAlreadyRequested,
            Refusal::MeetingLimitReached { .. } => ErrorCode::MeetingLimitReached,
            Refusal::ParticipantNotApproved { .. } => ErrorCode::ParticipantNotApproved,
            Refusal::MeetingKindNotAllowed { .. } => ErrorCode::MeetingKindNotAllowed,
            Refusal::EventNotFinished { .. } => ErrorCode::EventNotFinished,
            Refusal::MeetingNotHeld { .. } => ErrorCode::MeetingNotHeld,
            Refusal::LinkInvalid => ErrorCode::LinkInvalid,
            Refusal::CursorExpired => ErrorCode::CursorExpired,
        }
    }
}
