//! Cooperation success stories and the clusters they involve, each link confirmed by that
//! cluster's editors before the story shows on the cluster. A story is written as a DRAFT and
//! changed while DRAFT or SUBMITTED; its way to publication is in [`workflow`], its lists in
//! [`list`].
//!
//! Long because a story's profile, its validation and its writes (create, update, delete, the
//! cluster links and their confirmation) share the one `load`/`Stored` view of a story and its
//! links; the workflow and the lists are split off already.

use std::collections::HashSet;

use chrono::{Datelike, Utc};
use entity::{
    cluster, event_participant, matchmaking_event, meeting, partnership, success_story, success_story_cluster,
    taxonomy::{SuccessStoryOutcome, SuccessStoryStatus as Status},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, changed_fields, AuditAction, AuditEntityType, Entry},
    policy,
    validation::{Checker, NAME_MAX, TEXT_MAX},
    version::{self, stale},
};
use crate::{
    auth::Principal,
    domain::locale::{LanguageTag, LANGUAGE_HINT},
    error::{AppError, AppResult, Refusal},
};

mod list;
mod workflow;

pub use self::{
    list::{count, list, published_between, StoryFilter},
    workflow::{advance, Step},
};

pub const SUMMARY_MAX: usize = 2_000;

#[derive(Debug, Clone)]
pub struct SuccessStoryProfile {
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
    pub outcome: SuccessStoryOutcome,
    pub began_in: Option<i32>,
    pub partnership_id: Option<Uuid>,
    pub cluster_ids: Vec<Uuid>,
    /// The matchmaking meeting it began at, which one of its clusters held.
    pub meeting_id: Option<Uuid>,
    /// The matchmaking event it began at; the meeting's, when a meeting is named.
    pub matchmaking_event_id: Option<Uuid>,
    /// The language title, summary and body are written in: a BCP 47 tag, canonical once
    /// validated.
    pub language: String,
}

impl SuccessStoryProfile {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.name("title", &mut self.title, NAME_MAX);
        check.name("summary", &mut self.summary, SUMMARY_MAX);
        check.optional_text("body", &mut self.body, TEXT_MAX);
        match LanguageTag::parse(&self.language) {
            Some(tag) => self.language = tag.to_string(),
            None => check.fail("language", LANGUAGE_HINT),
        }
        if let Some(year) = self.began_in {
            if !(1990..=Utc::now().year()).contains(&year) {
                check.fail("beganIn", "must be a year between 1990 and this year");
            }
        }
        self.cluster_ids.sort();
        self.cluster_ids.dedup();
        if self.cluster_ids.is_empty() {
            check.fail("clusterIds", "name at least one cluster");
        }
        check.finish()
    }
}

/// A PUBLISHED story's texts change only once a moderator returned it, so nothing goes out
/// unmoderated: its profile and its translations alike.
pub(crate) fn ensure_changeable(story: &success_story::Model) -> AppResult<()> {
    if story.status == Status::Published {
        return Err(Refusal::TransitionNotAllowed {
            what: "success story",
            from: status_code(story.status),
            action: "changed",
            why: "a moderator returns it to DRAFT first (returnSuccessStory)",
        }
        .into());
    }
    Ok(())
}

/// The code of a status, as the API spells it.
fn status_code(status: Status) -> String {
    match status {
        Status::Draft => "DRAFT",
        Status::Submitted => "SUBMITTED",
        Status::Published => "PUBLISHED",
    }
    .into()
}

/// The clusters a story involves (all must exist) and a check of its partnership.
async fn involved<C: ConnectionTrait>(db: &C, p: &SuccessStoryProfile) -> AppResult<Vec<cluster::Model>> {
    let mut clusters = Vec::with_capacity(p.cluster_ids.len());
    for &id in &p.cluster_ids {
        clusters.push(super::cluster::existing(db, "clusterIds", id).await?);
    }
    if let Some(id) = p.partnership_id {
        if partnership::Entity::find_by_id(id).one(db).await?.is_none() {
            return Err(AppError::NotFound("partnershipId: partnership".into()));
        }
    }
    Ok(clusters)
}

/// Checks the story's matchmaking links: the event exists; the meeting exists, was held by one
/// of the story's clusters (so nobody names another's meeting) and belongs to the event, which it
/// names when the input does not.
async fn matchmaking_links<C: ConnectionTrait>(db: &C, p: &mut SuccessStoryProfile) -> AppResult<()> {
    if let Some(id) = p.meeting_id {
        let found = meeting::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::NotFound("meetingId: meeting".into()))?;
        let sides = event_participant::Entity::find()
            .filter(event_participant::Column::Id.is_in([found.from_participant_id, found.to_participant_id]))
            .all(db)
            .await?;
        if !sides
            .iter()
            .any(|side| side.cluster_id.is_some_and(|c| p.cluster_ids.contains(&c)))
        {
            return Err(AppError::bad_field(
                "meetingId",
                "name a meeting one of the story's clusters took part in",
            ));
        }
        match p.matchmaking_event_id {
            Some(event) if event != found.event_id => {
                return Err(AppError::bad_field(
                    "meetingId",
                    "the meeting belongs to another matchmaking event than matchmakingEventId",
                ))
            }
            _ => p.matchmaking_event_id = Some(found.event_id),
        }
    }
    if let Some(id) = p.matchmaking_event_id {
        if matchmaking_event::Entity::find_by_id(id).one(db).await?.is_none() {
            return Err(AppError::NotFound("matchmakingEventId: matchmaking event".into()));
        }
    }
    Ok(())
}

fn changed(old: &SuccessStoryProfile, new: &SuccessStoryProfile) -> Vec<&'static str> {
    changed_fields!(old, new;
        title => "title", summary => "summary", body => "body", outcome => "outcome", began_in => "beganIn",
        partnership_id => "partnershipId", cluster_ids => "clusterIds", meeting_id => "meetingId",
        matchmaking_event_id => "matchmakingEventId", language => "language",
    )
}

fn profile_columns(p: &SuccessStoryProfile) -> success_story::ActiveModel {
    success_story::ActiveModel {
        title: Set(p.title.clone()),
        summary: Set(p.summary.clone()),
        body: Set(p.body.clone()),
        outcome: Set(p.outcome),
        began_in: Set(p.began_in),
        partnership_id: Set(p.partnership_id),
        meeting_id: Set(p.meeting_id),
        matchmaking_event_id: Set(p.matchmaking_event_id),
        language: Set(p.language.clone()),
        ..Default::default()
    }
}

/// Rewrites a story's links. A link stays confirmed if it was; a new one is confirmed when the
/// caller edits that cluster, and otherwise waits for that cluster's editors: nobody puts a
/// cluster's name to a story it did not agree to.
async fn replace_clusters<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    confirmed_before: &[cluster::Model],
    clusters: &[cluster::Model],
) -> AppResult<()> {
    let confirmed_before: HashSet<Uuid> = confirmed_before.iter().map(|c| c.id).collect();
    success_story_cluster::Entity::delete_many()
        .filter(success_story_cluster::Column::SuccessStoryId.eq(id))
        .exec(db)
        .await?;
    if !clusters.is_empty() {
        success_story_cluster::Entity::insert_many(clusters.iter().map(|c| success_story_cluster::ActiveModel {
            success_story_id: Set(id),
            cluster_id: Set(c.id),
            confirmed: Set(confirmed_before.contains(&c.id) || policy::may_edit_cluster(actor, c).is_ok()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A cluster's editors answer a story that names their cluster: confirmed, it shows on the
/// cluster; declined, the cluster leaves the story.
pub async fn respond<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    cluster_id: Uuid,
    confirm: bool,
) -> AppResult<success_story::Model> {
    let txn = crate::db::begin_write(db).await?;
    let stored = load(&txn, id).await?;
    let named = super::cluster::existing(&txn, "clusterId", cluster_id).await?;
    policy::may_edit_cluster(actor, &named)?;
    let (link, _) = stored
        .links
        .iter()
        .find(|(link, _)| link.cluster_id == cluster_id)
        .ok_or_else(|| AppError::NotFound("clusterId: cluster of this story".into()))?;
    if link.confirmed {
        return Err(AppError::Conflict(
            "the cluster has confirmed this story already".into(),
        ));
    }
    let this_link = Condition::all()
        .add(success_story_cluster::Column::SuccessStoryId.eq(id))
        .add(success_story_cluster::Column::ClusterId.eq(cluster_id));
    if confirm {
        success_story_cluster::Entity::update_many()
            .set(success_story_cluster::ActiveModel {
                confirmed: Set(true),
                ..Default::default()
            })
            .filter(this_link)
            .exec(&txn)
            .await?;
    } else {
        success_story_cluster::Entity::delete_many()
            .filter(this_link)
            .exec(&txn)
            .await?;
    }
    let model = version::save::<success_story::Entity, _>(&txn, id, stored.current.version, Default::default()).await?;
    let action = if confirm {
        AuditAction::ConfirmCluster
    } else {
        AuditAction::DeclineCluster
    };
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::SuccessStory,
            id,
            action,
            vec!["clusterIds"],
            std::slice::from_ref(&named),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    mut profile: SuccessStoryProfile,
) -> AppResult<success_story::Model> {
    profile.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let involved = involved(&txn, &profile).await?;
    matchmaking_links(&txn, &mut profile).await?;
    policy::may_edit_success_story(actor, &involved)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut row = profile_columns(&profile);
    row.id = Set(id);
    row.status = Set(Status::Draft);
    row.author_id = Set(policy::user_of(actor));
    row.version = Set(1);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    let model = success_story::Entity::insert(row).exec_with_returning(&txn).await?;
    replace_clusters(&txn, actor, id, &[], &involved).await?;
    let fields = vec!["title", "summary", "outcome", "clusterIds"];
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::SuccessStory,
            id,
            AuditAction::Create,
            fields,
            &involved,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// A story as stored: its row, its profile, and its links to clusters with those clusters.
struct Stored {
    current: success_story::Model,
    profile: SuccessStoryProfile,
    links: Vec<(success_story_cluster::Model, Option<cluster::Model>)>,
}

impl Stored {
    /// The clusters that agreed to the story: only their editors may change or delete it, so
    /// naming a cluster gives its editors no hold on the story until they confirm.
    fn confirmed(&self) -> Vec<cluster::Model> {
        self.clusters(true)
    }

    /// The clusters the story names; only those that confirmed it if `confirmed_only`.
    fn clusters(&self, confirmed_only: bool) -> Vec<cluster::Model> {
        self.links
            .iter()
            .filter(|(link, _)| link.confirmed || !confirmed_only)
            .filter_map(|(_, cluster)| cluster.clone())
            .collect()
    }
}

/// The story and its links, each read once.
async fn load<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Stored> {
    let current = success_story::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("success story".into()))?;
    let links = success_story_cluster::Entity::find()
        .filter(success_story_cluster::Column::SuccessStoryId.eq(id))
        .find_also_related(cluster::Entity)
        .all(db)
        .await?;
    let profile = SuccessStoryProfile {
        title: current.title.clone(),
        summary: current.summary.clone(),
        body: current.body.clone(),
        outcome: current.outcome,
        began_in: current.began_in,
        partnership_id: current.partnership_id,
        cluster_ids: links.iter().map(|(link, _)| link.cluster_id).collect(),
        meeting_id: current.meeting_id,
        matchmaking_event_id: current.matchmaking_event_id,
        language: current.language.clone(),
    };
    Ok(Stored {
        current,
        profile,
        links,
    })
}

/// A story and the clusters that confirmed it, whose editors may change it (for its translations).
pub(crate) async fn with_editors<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> AppResult<(success_story::Model, Vec<cluster::Model>)> {
    let stored = load(db, id).await?;
    let confirmed = stored.confirmed();
    Ok((stored.current, confirmed))
}

/// Changes a DRAFT or SUBMITTED story; the caller must edit a cluster of the story both before
/// and after. A PUBLISHED story changes only once a moderator returned it, so nothing goes out
/// unmoderated.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    change: impl FnOnce(&mut SuccessStoryProfile),
) -> AppResult<success_story::Model> {
    let txn = crate::db::begin_write(db).await?;
    let stored = load(&txn, id).await?;
    let confirmed = stored.confirmed();
    policy::may_edit_success_story(actor, &confirmed)?;
    ensure_changeable(&stored.current)?;
    if stored.current.version != expected_version {
        return Err(stale(stored.current.version, expected_version));
    }
    let old = stored.profile;
    let mut profile = old.clone();
    change(&mut profile);
    profile.validate()?;
    if profile.language != old.language {
        crate::domain::success_story_translation::free_for_primary(&txn, id, &profile.language).await?;
    }
    let now_involved = involved(&txn, &profile).await?;
    // A newly named meeting brings its own event, unless the change names an event too.
    if profile.meeting_id.is_some()
        && profile.meeting_id != old.meeting_id
        && profile.matchmaking_event_id == old.matchmaking_event_id
    {
        profile.matchmaking_event_id = None;
    }
    matchmaking_links(&txn, &mut profile).await?;
    policy::may_edit_success_story(actor, &now_involved)?;
    let model =
        version::save::<success_story::Entity, _>(&txn, id, expected_version, profile_columns(&profile)).await?;
    replace_clusters(&txn, actor, id, &confirmed, &now_involved).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::SuccessStory,
            id,
            AuditAction::Update,
            changed(&old, &profile),
            &now_involved,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn delete<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let stored = load(&txn, id).await?;
    let involved = stored.clusters(false);
    policy::may_edit_success_story(actor, &stored.confirmed())?;
    success_story::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::SuccessStory,
            id,
            AuditAction::Delete,
            vec![],
            &involved,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}
