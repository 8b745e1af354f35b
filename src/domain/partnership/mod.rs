//! Strategic partnerships between clusters: the profile, the list, and founding, changing and
//! ending one. Seats are in `membership`.

mod membership;

use chrono::{NaiveDate, Utc};
use entity::{
    cluster, partnership, partnership_ecosystem, partnership_member, partnership_target_market,
    taxonomy::{Ecosystem, InvitationState, PartnershipKind, PartnershipRole, PartnershipStatus},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

pub use self::membership::{
    add_member, remove_member, respond_to_invitation, PENDING_PER_INVITER, PENDING_PER_PARTNERSHIP,
};
use self::membership::{check_pending, governing};
use super::{
    audit::{self, changed_fields, AuditAction, AuditEntityType, Entry},
    pagination::{keyset_page, Keyset, Page, SortKey, Window},
    policy,
    validation::{Checker, ACRONYM_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX},
    version,
};
use crate::{
    auth::Principal,
    error::{AppError, AppResult},
};

/// Everything a client may write on a partnership, membership aside.
#[derive(Debug, Clone)]
pub struct PartnershipProfile {
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnershipKind,
    pub description: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub funding_programme: Option<String>,
    pub funding_eur: Option<i64>,
    pub status: PartnershipStatus,
    pub ecosystems: Vec<Ecosystem>,
    pub target_markets: Vec<String>,
}

impl PartnershipProfile {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.name("name", &mut self.name, NAME_MAX);
        check.optional_name("acronym", &mut self.acronym, ACRONYM_MAX);
        check.optional_text("description", &mut self.description, TEXT_MAX);
        check.optional_name("fundingProgramme", &mut self.funding_programme, SHORT_MAX);
        if self.funding_eur.is_some_and(|f| f < 0) {
            check.fail("fundingEur", "must not be negative");
        }
        if let (Some(start), Some(end)) = (self.starts_on, self.ends_on) {
            if end < start {
                check.fail("endsOn", "must not be before startsOn");
            }
        }
        self.ecosystems.sort();
        self.ecosystems.dedup();
        check.countries("targetMarkets", &mut self.target_markets);
        check.finish()
    }
}

/// A cluster's place in a new partnership.
#[derive(Debug, Clone, Copy)]
pub struct Seat {
    pub cluster_id: Uuid,
    pub role: PartnershipRole,
}

#[derive(Debug, Clone, Default)]
pub struct PartnershipFilter {
    pub kinds: Vec<PartnershipKind>,
    pub statuses: Vec<PartnershipStatus>,
    /// Partnerships changed (members too) at or after this moment.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl PartnershipFilter {
    fn condition(&self) -> Condition {
        let mut cond = Condition::all();
        if !self.kinds.is_empty() {
            cond = cond.add(partnership::Column::Kind.is_in(self.kinds.clone()));
        }
        if !self.statuses.is_empty() {
            cond = cond.add(partnership::Column::Status.is_in(self.statuses.clone()));
        }
        if let Some(since) = self.updated_since {
            cond = cond.add(partnership::Column::UpdatedAt.gte(since));
        }
        cond
    }
}

pub const BY_NAME: Keyset<partnership::Entity> = Keyset {
    name: "NAME",
    column: partnership::Column::Name,
    id: partnership::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Text(m.name.clone()), m.id),
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &PartnershipFilter,
    window: &Window,
) -> AppResult<Page<partnership::Model>> {
    keyset_page(
        db,
        partnership::Entity::find().filter(filter.condition()),
        &BY_NAME,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(db: &C, filter: &PartnershipFilter) -> AppResult<u64> {
    Ok(partnership::Entity::find().filter(filter.condition()).count(db).await?)
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Option<partnership::Model>> {
    Ok(partnership::Entity::find_by_id(id).one(db).await?)
}

async fn load_profile<C: ConnectionTrait>(db: &C, m: &partnership::Model) -> AppResult<PartnershipProfile> {
    let ecosystems = partnership_ecosystem::Entity::find()
        .filter(partnership_ecosystem::Column::PartnershipId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.ecosystem)
        .collect();
    let target_markets = partnership_target_market::Entity::find()
        .filter(partnership_target_market::Column::PartnershipId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.country)
        .collect();
    Ok(PartnershipProfile {
        name: m.name.clone(),
        acronym: m.acronym.clone(),
        kind: m.kind,
        description: m.description.clone(),
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        funding_programme: m.funding_programme.clone(),
        funding_eur: m.funding_eur,
        status: m.status,
        ecosystems,
        target_markets,
    })
}

fn profile_columns(p: &PartnershipProfile) -> partnership::ActiveModel {
    partnership::ActiveModel {
        name: Set(p.name.clone()),
        acronym: Set(p.acronym.clone()),
        kind: Set(p.kind),
        description: Set(p.description.clone()),
        starts_on: Set(p.starts_on),
        ends_on: Set(p.ends_on),
        funding_programme: Set(p.funding_programme.clone()),
        funding_eur: Set(p.funding_eur),
        status: Set(p.status),
        ..Default::default()
    }
}

async fn replace_lists<C: ConnectionTrait>(db: &C, id: Uuid, p: &PartnershipProfile) -> AppResult<()> {
    crate::domain::child_rows::replace::<partnership_ecosystem::Entity, _>(
        db,
        partnership_ecosystem::Column::PartnershipId,
        id,
        p.ecosystems.iter().map(|&e| partnership_ecosystem::ActiveModel {
            partnership_id: Set(id),
            ecosystem: Set(e),
        }),
    )
    .await?;
    crate::domain::child_rows::replace::<partnership_target_market::Entity, _>(
        db,
        partnership_target_market::Column::PartnershipId,
        id,
        p.target_markets.iter().map(|c| partnership_target_market::ActiveModel {
            partnership_id: Set(id),
            country: Set(c.clone()),
        }),
    )
    .await
}

fn check_seats(seats: &[Seat]) -> AppResult<()> {
    let mut check = Checker::new();
    let mut ids: Vec<Uuid> = seats.iter().map(|s| s.cluster_id).collect();
    ids.sort();
    ids.dedup();
    if ids.len() != seats.len() {
        check.fail("members", "a cluster may hold only one seat");
    }
    if seats.iter().filter(|s| s.role == PartnershipRole::Coordinator).count() > 1 {
        check.fail("members", "a partnership has at most one coordinator");
    }
    check.finish()
}

fn changed(old: &PartnershipProfile, new: &PartnershipProfile) -> Vec<&'static str> {
    changed_fields!(old, new;
        name => "name", acronym => "acronym", kind => "kind", description => "description", starts_on => "startsOn",
        ends_on => "endsOn", funding_programme => "fundingProgramme", funding_eur => "fundingEur",
        status => "status", ecosystems => "ecosystems", target_markets => "targetMarkets",
    )
}

/// Founds a partnership. Seats of clusters the caller may edit are taken at once; the other
/// clusters are invited and take their seat by accepting.
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    mut profile: PartnershipProfile,
    seats: Vec<Seat>,
) -> AppResult<partnership::Model> {
    profile.validate()?;
    check_seats(&seats)?;
    let txn = crate::db::begin_write(db).await?;
    let mut clusters = Vec::with_capacity(seats.len());
    for seat in &seats {
        clusters.push(super::cluster::existing(&txn, "members.clusterId", seat.cluster_id).await?);
    }
    let own = |c: &cluster::Model| policy::may_edit_cluster(actor, c).is_ok();
    if !actor.is_admin() {
        let coordinator = seats
            .iter()
            .zip(&clusters)
            .find(|(s, _)| s.role == PartnershipRole::Coordinator);
        let allowed = match coordinator {
            Some((_, c)) => own(c),
            None => clusters.iter().any(own),
        };
        if !allowed {
            return Err(AppError::Forbidden(
                "you may only found partnerships that one of your clusters coordinates".into(),
            ));
        }
    }
    // Invitations go out on behalf of the coordinator, or of the first seat the caller edits.
    let inviter = if actor.is_admin() {
        None
    } else {
        let coordinator = seats
            .iter()
            .zip(&clusters)
            .find(|(s, _)| s.role == PartnershipRole::Coordinator);
        coordinator
            .map(|(_, c)| c)
            .or_else(|| clusters.iter().find(|c| own(c)))
            .map(|c| c.id)
    };
    let invited = clusters.iter().filter(|c| !own(c)).count() as u64;
    check_pending(&txn, None, inviter, invited).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut row = profile_columns(&profile);
    row.id = Set(id);
    row.version = Set(1);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    let model = partnership::Entity::insert(row).exec_with_returning(&txn).await?;
    replace_lists(&txn, id, &profile).await?;
    if !seats.is_empty() {
        partnership_member::Entity::insert_many(seats.iter().zip(&clusters).map(|(s, c)| {
            partnership_member::ActiveModel {
                partnership_id: Set(id),
                cluster_id: Set(s.cluster_id),
                role: Set(s.role),
                invitation_state: Set(if own(c) {
                    InvitationState::Accepted
                } else {
                    InvitationState::Invited
                }),
                joined_at: Set(now),
                invited_by: Set(inviter.filter(|_| !own(c))),
            }
        }))
        .exec(&txn)
        .await?;
    }
    let governing = governing(&txn, id).await?;
    let fields = vec!["name", "kind", "members"];
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Partnership,
            id,
            AuditAction::Create,
            fields,
            &governing,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    change: impl FnOnce(&mut PartnershipProfile),
) -> AppResult<partnership::Model> {
    let txn = crate::db::begin_write(db).await?;
    let governing = governing(&txn, id).await?;
    let current = version::locked::<partnership::Entity, _>(&txn, id, Some(expected_version), |_| {
        policy::may_edit_partnership(actor, &governing)
    })
    .await?;
    let old = load_profile(&txn, &current).await?;
    let mut profile = old.clone();
    change(&mut profile);
    profile.validate()?;
    let model = version::save::<partnership::Entity, _>(&txn, id, expected_version, profile_columns(&profile)).await?;
    replace_lists(&txn, id, &profile).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Partnership,
            id,
            AuditAction::Update,
            changed(&old, &profile),
            &governing,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn delete<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let governing = governing(&txn, id).await?;
    version::locked::<partnership::Entity, _>(&txn, id, None, |_| policy::may_edit_partnership(actor, &governing))
        .await?;
    partnership::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Partnership,
            id,
            AuditAction::Delete,
            vec![],
            &governing,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}
