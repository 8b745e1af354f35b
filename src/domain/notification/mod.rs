//! Live notifications: what happened, as ids only, published after the change has committed and
//! delivered to the subscribers of every process (see [`Hub`]). Subscribers re-read each record
//! with their own rights, so a notification never carries data a subscriber may not see.

mod follow;
mod hub;
mod postgres;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use self::{
    follow::{event_for, may_follow_event, may_follow_participant, meeting_for},
    hub::Hub,
};

/// What changed, by id. It travels as JSON tagged by `topic`, e.g.
/// `{"topic":"meetingRequested","eventId":"…","meetingId":"…","participantIds":["…","…"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "topic", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Notification {
    /// A participant asked another for a meeting; `participant_ids` are the requester, then the
    /// invited side.
    MeetingRequested {
        event_id: Uuid,
        meeting_id: Uuid,
        participant_ids: [Uuid; 2],
    },
    /// A meeting was answered, called off, placed or moved.
    MeetingUpdated {
        event_id: Uuid,
        meeting_id: Uuid,
        participant_ids: [Uuid; 2],
        change: MeetingChange,
    },
    /// The organisers scheduled an event's accepted meetings.
    EventScheduled { event_id: Uuid },
    /// A post went up: a draft published, or an unpublished post put back by a moderator.
    PostPublished { post_id: Uuid },
    /// A client wrote at this WAL position of the primary: every process reads its next reads
    /// from the primary or a replica that has replayed that far (see `crate::db::replicas`).
    /// `client` is a digest of who wrote, never the identity itself.
    ClientWrote { client: String, lsn: u64 },
}

/// How a meeting changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeetingChange {
    Accepted,
    Declined,
    Cancelled,
    /// Given a slot and a table (an organiser's pin, or scheduling).
    Scheduled,
    /// Given another slot or table.
    Moved,
}

impl Notification {
    /// A new request, from the meeting as it was stored.
    pub fn meeting_requested(meeting: &entity::meeting::Model) -> Self {
        Self::MeetingRequested {
            event_id: meeting.event_id,
            meeting_id: meeting.id,
            participant_ids: [meeting.from_participant_id, meeting.to_participant_id],
        }
    }

    /// A change of a meeting, from the meeting as it was stored.
    pub fn meeting_updated(meeting: &entity::meeting::Model, change: MeetingChange) -> Self {
        Self::MeetingUpdated {
            event_id: meeting.event_id,
            meeting_id: meeting.id,
            participant_ids: [meeting.from_participant_id, meeting.to_participant_id],
            change,
        }
    }

    /// Whether this concerns the meetings of `participant`.
    pub fn concerns_participant(&self, participant: Uuid) -> bool {
        match self {
            Self::MeetingRequested { participant_ids, .. } | Self::MeetingUpdated { participant_ids, .. } => {
                participant_ids.contains(&participant)
            }
            Self::EventScheduled { .. } | Self::PostPublished { .. } | Self::ClientWrote { .. } => false,
        }
    }
}

/// Hands `notification` to every subscriber, on this process and (on PostgreSQL) on every
/// other one. Call it once the transaction of the change has committed, never inside it: a
/// subscriber that reads the record back must find the change. It does not wait; a
/// notification is a hint that something changed, and one lost to a crash is not retried.
pub fn publish(hub: &Hub, notification: Notification) {
    hub.publish(notification);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travels_as_json_tagged_by_topic() {
        let (event_id, meeting_id, a, b) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let n = Notification::MeetingUpdated {
            event_id,
            meeting_id,
            participant_ids: [a, b],
            change: MeetingChange::Moved,
        };
        let json = serde_json::to_value(&n).unwrap();
        assert_eq!(json["topic"], "meetingUpdated");
        assert_eq!(json["change"], "MOVED");
        assert_eq!(json["participantIds"][1], b.to_string());
        assert_eq!(serde_json::from_value::<Notification>(json).unwrap(), n);
        let scheduled = serde_json::to_string(&Notification::EventScheduled { event_id }).unwrap();
        assert_eq!(
            scheduled,
            format!(r#"{{"topic":"eventScheduled","eventId":"{event_id}"}}"#)
        );
        let published = serde_json::to_string(&Notification::PostPublished { post_id: event_id }).unwrap();
        assert_eq!(
            published,
            format!(r#"{{"topic":"postPublished","postId":"{event_id}"}}"#)
        );
    }

    #[tokio::test]
    async fn an_event_scheduled_reaches_a_subscriber_in_process() {
        let hub = Hub::in_process();
        let mut receiver = hub.subscribe();
        let event_id = Uuid::now_v7();
        publish(&hub, Notification::EventScheduled { event_id });
        assert_eq!(
            receiver.recv().await.unwrap(),
            Notification::EventScheduled { event_id }
        );
        assert!(!Notification::EventScheduled { event_id }.concerns_participant(event_id));
    }
}
