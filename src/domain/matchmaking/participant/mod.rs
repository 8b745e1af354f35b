//! Participants of a matchmaking event: a cluster registered by those who edit it, or a business
//! registered by a signed-in person who then acts for it; what each offers and seeks, when it is
//! available and how many meetings it wants; approval or rejection by the organisers.
//!
//! Long because registration, changes and review share the participant's context, its row lock
//! (`locked`) and one way of writing its slots, ecosystems and users (`write_profile`); kept
//! together they cannot drift apart. The lists are in `list.rs`.

use chrono::Utc;
use entity::{
    cluster, event_participant as row, participant_available_slot, participant_offered_ecosystem,
    participant_sought_ecosystem, participant_user,
    taxonomy::{Ecosystem, MatchmakingEventStatus, MemberKind, ParticipantKind, ParticipantStatus},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::event::{self, EventContext};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        policy::{self},
        validation::{Checker, NAME_MAX, TEXT_MAX},
        version::{self, stale},
    },
    error::{AppError, AppResult, Refusal},
};

/// Most meetings a participant may ask for.
pub const MAX_MEETINGS: i32 = 100;
/// Most users who act for one business.
pub const MAX_USERS: usize = 20;
const WISH_MAX: usize = 5_000;

mod list;

pub use self::list::{count, list, ParticipantFilter};

/// A business or other organisation that takes part without a cluster profile.
#[derive(Debug, Clone)]
pub struct Business {
    pub name: String,
    pub country: String,
    pub kind: MemberKind,
    pub description: Option<String>,
    pub website: Option<String>,
}

/// What a participant says about itself; the same for a registration and a change.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub offers: Option<String>,
    pub seeks: Option<String>,
    pub offered_ecosystems: Vec<Ecosystem>,
    pub sought_ecosystems: Vec<Ecosystem>,
    pub available_slots: Vec<i32>,
    pub max_meetings: i32,
}

impl Profile {
    fn check(&mut self, check: &mut Checker, slot_count: usize) {
        check.optional_text("offers", &mut self.offers, WISH_MAX);
        check.optional_text("seeks", &mut self.seeks, WISH_MAX);
        for list in [&mut self.offered_ecosystems, &mut self.sought_ecosystems] {
            list.sort();
            list.dedup();
        }
        self.available_slots.sort();
        self.available_slots.dedup();
        if self.available_slots.iter().any(|&s| s < 0 || s as usize >= slot_count) {
            check.fail(
                "availableSlots",
                format!("slots are numbered from 0 to {}", slot_count.saturating_sub(1)),
            );
        }
        if !(1..=MAX_MEETINGS).contains(&self.max_meetings) {
            check.fail("maxMeetings", format!("must be from 1 to {MAX_MEETINGS}"));
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewParticipant {
    pub event_id: Uuid,
    /// The cluster that takes part, or else `business`.
    pub cluster_id: Option<Uuid>,
    pub business: Option<Business>,
    pub profile: Profile,
    /// Further users who act for a business (the registering person always does).
    pub user_ids: Vec<Uuid>,
}

/// A participant with what decides who acts for it.
#[derive(Debug, Clone)]
pub struct ParticipantContext {
    pub participant: row::Model,
    pub cluster: Option<cluster::Model>,
    pub users: Vec<Uuid>,
}

impl ParticipantContext {
    pub fn acts_for(&self, p: &Principal) -> bool {
        policy::acts_for_participant(p, self.cluster.as_ref(), &self.users)
    }

    pub fn may_act_for(&self, p: &Principal) -> AppResult<()> {
        policy::may_act_for_participant(p, self.cluster.as_ref(), &self.users)
    }
}

pub async fn context<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<ParticipantContext> {
    let participant = row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("participant".into()))?;
    let cluster = match participant.cluster_id {
        Some(id) => cluster::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let users = participant_user::Entity::find()
        .filter(participant_user::Column::ParticipantId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.user_id)
        .collect();
    Ok(ParticipantContext {
        participant,
        cluster,
        users,
    })
}

fn entry(id: Uuid, action: AuditAction, changed_fields: Vec<&'static str>, country: &str) -> Entry {
    Entry {
        entity_type: AuditEntityType::EventParticipant,
        entity_id: id,
        action,
        changed_fields,
        country: Some(country.to_owned()),
    }
}

async fn write_profile<C: ConnectionTrait>(db: &C, id: Uuid, profile: &Profile) -> AppResult<()> {
    participant_available_slot::Entity::delete_many()
        .filter(participant_available_slot::Column::ParticipantId.eq(id))
        .exec(db)
        .await?;
    if !profile.available_slots.is_empty() {
        participant_available_slot::Entity::insert_many(profile.available_slots.iter().map(|&slot| {
            participant_available_slot::ActiveModel {
                participant_id: Set(id),
                slot: Set(slot),
            }
        }))
        .exec(db)
        .await?;
    }
    participant_offered_ecosystem::Entity::delete_many()
        .filter(participant_offered_ecosystem::Column::ParticipantId.eq(id))
        .exec(db)
        .await?;
    if !profile.offered_ecosystems.is_empty() {
        participant_offered_ecosystem::Entity::insert_many(profile.offered_ecosystems.iter().map(|&e| {
            participant_offered_ecosystem::ActiveModel {
                participant_id: Set(id),
                ecosystem: Set(e),
            }
        }))
        .exec(db)
        .await?;
    }
    participant_sought_ecosystem::Entity::delete_many()
        .filter(participant_sought_ecosystem::Column::ParticipantId.eq(id))
        .exec(db)
        .await?;
    if !profile.sought_ecosystems.is_empty() {
        participant_sought_ecosystem::Entity::insert_many(profile.sought_ecosystems.iter().map(|&e| {
            participant_sought_ecosystem::ActiveModel {
                participant_id: Set(id),
                ecosystem: Set(e),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Whether the event takes registrations now: OPEN and before its deadline.
fn registration_open(event: &EventContext) -> AppResult<()> {
    if event.event.status != MatchmakingEventStatus::Open {
        return Err(Refusal::EventNotOpen {
            status: status_code(event.event.status),
        }
        .into());
    }
    if Utc::now() > event.event.registration_deadline {
        return Err(Refusal::RegistrationDeadlinePassed {
            deadline: event.event.registration_deadline.to_rfc3339(),
        }
        .into());
    }
    Ok(())
}

pub(super) fn status_code<E: sea_orm::ActiveEnum<Value = String>>(value: E) -> String {
    value.to_value()
}

/// Registers a cluster (by those who edit it) or a business (by a signed-in person, who acts for
/// it, or an organiser) for an OPEN event before its registration deadline; it waits for the
/// organisers' approval.
pub async fn register<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    mut new: NewParticipant,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let event = event::visible_context(&txn, Some(actor), new.event_id).await?;
    let organiser = event.organised_by(actor);
    let mut check = Checker::new();
    new.profile.check(&mut check, event.slots().len());
    let (kind, cluster_id, mut name, mut country, organisation_kind, mut description, mut website) =
        match (new.cluster_id, new.business.take()) {
            (Some(cluster_id), None) => {
                let cluster = crate::domain::cluster::existing(&txn, "clusterId", cluster_id).await?;
                policy::may_act_for_participant(actor, Some(&cluster), &[])?;
                (
                    ParticipantKind::Cluster,
                    Some(cluster_id),
                    cluster.name,
                    cluster.country,
                    None,
                    cluster.description,
                    cluster.website,
                )
            }
            (None, Some(b)) => {
                policy::may_register_business(actor, organiser)?;
                (
                    ParticipantKind::Business,
                    None,
                    b.name,
                    b.country,
                    Some(b.kind),
                    b.description,
                    b.website,
                )
            }
            _ => {
                return Err(AppError::bad_field(
                    "clusterId",
                    "give either clusterId or business, not both or neither",
                ))
            }
        };
    check.name("business.name", &mut name, NAME_MAX);
    check.country("business.country", &mut country);
    check.optional_text("business.description", &mut description, TEXT_MAX);
    check.optional_url("business.website", &mut website);
    let mut users = new.user_ids.clone();
    if kind == ParticipantKind::Business {
        users.extend(policy::user_of(actor));
        users.sort();
        users.dedup();
        if users.is_empty() {
            check.fail("userIds", "name at least one user who acts for the business");
        }
        if users.len() > MAX_USERS {
            check.fail("userIds", format!("at most {MAX_USERS} users"));
        }
    } else if !users.is_empty() {
        check.fail(
            "userIds",
            "a cluster's managers act for it; name users for a business only",
        );
    }
    check.finish()?;
    registration_open(&event)?;
    if let Some(cluster_id) = cluster_id {
        let already = row::Entity::find()
            .filter(row::Column::EventId.eq(new.event_id))
            .filter(row::Column::ClusterId.eq(cluster_id))
            .count(&txn)
            .await?;
        if already > 0 {
            return Err(AppError::Conflict(
                "this cluster is registered for the event already".into(),
            ));
        }
    }
    let found = entity::user::Entity::find()
        .filter(entity::user::Column::Id.is_in(users.clone()))
        .count(&txn)
        .await?;
    if found != users.len() as u64 {
        return Err(AppError::bad_field("userIds", "names a user that does not exist"));
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = row::Entity::insert(row::ActiveModel {
        id: Set(id),
        event_id: Set(new.event_id),
        kind: Set(kind),
        cluster_id: Set(cluster_id),
        name: Set(name),
        country: Set(country.clone()),
        organisation_kind: Set(organisation_kind),
        description: Set(description),
        website: Set(website),
        offers: Set(new.profile.offers.clone()),
        seeks: Set(new.profile.seeks.clone()),
        max_meetings: Set(new.profile.max_meetings),
        status: Set(ParticipantStatus::Pending),
        review_note: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    write_profile(&txn, id, &new.profile).await?;
    if !users.is_empty() {
        participant_user::Entity::insert_many(users.iter().map(|&u| participant_user::ActiveModel {
            participant_id: Set(id),
            user_id: Set(u),
        }))
        .exec(&txn)
        .await?;
    }
    let fields = vec!["kind", "status", "availableSlots", "maxMeetings"];
    audit::record(&txn, actor, entry(id, AuditAction::Register, fields, &country)).await?;
    txn.commit().await?;
    Ok(model)
}

/// A participant and its event for a write: NOT_FOUND, FORBIDDEN unless `allowed`, CONFLICT on
/// a stale version.
async fn locked<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    version: i32,
    allowed: impl FnOnce(&ParticipantContext, &EventContext) -> AppResult<()>,
) -> AppResult<(ParticipantContext, EventContext)> {
    let participant = context(db, id).await?;
    let event = event::context(db, participant.participant.event_id).await?;
    // Permission before version, as for every versioned record: a refused caller learns nothing
    // of the record's history.
    allowed(&participant, &event)?;
    if participant.participant.version != version {
        return Err(stale(participant.participant.version, version));
    }
    Ok((participant, event))
}

/// Changes what a participant offers and seeks, its availability and its most meetings: those
/// who act for it, while the event is OPEN; its organisers until the event is scheduled.
pub async fn update<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    version: i32,
    mut profile: Profile,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (participant, event) = locked(&txn, id, version, |p, e| {
        if e.organised_by(actor) {
            Ok(())
        } else {
            p.may_act_for(actor)
        }
    })
    .await?;
    let mut check = Checker::new();
    profile.check(&mut check, event.slots().len());
    check.finish()?;
    let open = event.event.status == MatchmakingEventStatus::Open;
    let organising = matches!(event.event.status, MatchmakingEventStatus::Closed) && event.organised_by(actor);
    if !open && !organising {
        return Err(Refusal::EventNotOpen {
            status: status_code(event.event.status),
        }
        .into());
    }
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        version,
        row::ActiveModel {
            offers: Set(profile.offers.clone()),
            seeks: Set(profile.seeks.clone()),
            max_meetings: Set(profile.max_meetings),
            ..Default::default()
        },
    )
    .await?;
    write_profile(&txn, id, &profile).await?;
    let fields = vec![
        "offers",
        "seeks",
        "offeredEcosystems",
        "soughtEcosystems",
        "availableSlots",
        "maxMeetings",
    ];
    audit::record(
        &txn,
        actor,
        entry(id, AuditAction::Update, fields, &participant.participant.country),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// The organisers approve a PENDING participant, or turn it away with a note.
pub async fn review<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    version: i32,
    approve: bool,
    mut note: Option<String>,
) -> AppResult<row::Model> {
    let mut check = Checker::new();
    check.optional_text("reason", &mut note, WISH_MAX);
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let (participant, _) = locked(&txn, id, version, |_, e| e.may_organise(actor)).await?;
    if participant.participant.status != ParticipantStatus::Pending {
        return Err(Refusal::TransitionNotAllowed {
            what: "participant",
            from: status_code(participant.participant.status),
            action: if approve { "approved" } else { "rejected" },
            why: "only a PENDING participant is reviewed",
        }
        .into());
    }
    let (status, action) = if approve {
        (ParticipantStatus::Approved, AuditAction::Approve)
    } else {
        (ParticipantStatus::Rejected, AuditAction::Reject)
    };
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        version,
        row::ActiveModel {
            status: Set(status),
            review_note: Set(note),
            ..Default::default()
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        entry(id, action, vec!["status"], &participant.participant.country),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}
