//! Posts of clusters (issue 16): NEWS, EVENT and CALL posts that a cluster's editors write as a
//! DRAFT and publish; moderators (the partner of the cluster's country, administrators) take a
//! published post down with a reason, which its author and editors see. Each write runs in one
//! transaction with its version check and audit entry; the body's HTML and search text are
//! made here, at write time.

use chrono::{DateTime, Utc};
use entity::{
    cluster, post as row, post_country, post_ecosystem, post_translation,
    taxonomy::{Ecosystem, PostKind, PostStatus as Status},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        child_rows, policy,
        version::{self, stale},
    },
    error::{AppError, AppResult, Refusal},
    webhook,
};

mod input;
mod list;
pub mod markdown;
mod translation;

pub use self::{
    input::{check_reason, NewPost, PostPatch, BODY_MAX, REASON_MAX, SUMMARY_MAX},
    list::{count, in_feed, list, open_calls, upcoming_events, PostFilter},
    translation::{remove_translation, set_translation, Translation},
};

/// The code of a status, as the API spells it.
fn status_code(status: Status) -> String {
    match status {
        Status::Draft => "DRAFT",
        Status::Published => "PUBLISHED",
        Status::Unpublished => "UNPUBLISHED",
    }
    .into()
}

fn entry(post: &row::Model, action: AuditAction, changed_fields: Vec<&'static str>, cluster: &cluster::Model) -> Entry {
    Entry::about(
        AuditEntityType::Post,
        post.id,
        action,
        changed_fields,
        std::slice::from_ref(cluster),
    )
}

async fn cluster_of<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<cluster::Model> {
    cluster::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("cluster".into()))
}

/// A post with its cluster, for a write: NOT_FOUND, then whatever `authorize` refuses, then
/// CONFLICT on a stale version.
async fn locked<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    version: i32,
    authorize: impl FnOnce(&row::Model, &cluster::Model) -> AppResult<()>,
) -> AppResult<(row::Model, cluster::Model)> {
    let post = row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("post".into()))?;
    let cluster = cluster_of(db, post.cluster_id).await?;
    authorize(&post, &cluster)?;
    if post.version != version {
        return Err(stale(post.version, version));
    }
    Ok((post, cluster))
}

/// The lower-cased text the filter searches: the post's own and every translation's, so a
/// word of any language finds it.
fn search_text(new: &NewPost, translations: &[post_translation::Model]) -> String {
    let body_text = markdown::to_plain_text(&new.body_markdown);
    // A call is found by what it funds and for whom too: funding calls are what users look for most.
    let own = [
        Some(new.title.as_str()),
        new.summary.as_deref(),
        Some(body_text.as_str()),
        new.place.as_deref(),
        new.funding.as_deref(),
        new.eligibility.as_deref(),
    ];
    let translated = translations.iter().flat_map(|t| {
        [
            Some(t.title.clone()),
            t.summary.clone(),
            Some(markdown::to_plain_text(&t.body_markdown)),
        ]
    });
    own.into_iter()
        .flatten()
        .map(str::to_owned)
        .chain(translated.flatten())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

/// The stored columns made from a checked post: the body's HTML and search text with it.
fn columns(new: &NewPost, translations: &[post_translation::Model]) -> row::ActiveModel {
    let search_text = search_text(new, translations);
    row::ActiveModel {
        title: Set(new.title.clone()),
        summary: Set(new.summary.clone()),
        body_markdown: Set(new.body_markdown.clone()),
        body_html: Set(markdown::to_html(&new.body_markdown)),
        search_text: Set(search_text),
        image_url: Set(new.image_url.clone()),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        place: Set(new.place.clone()),
        online_url: Set(new.online_url.clone()),
        registration_url: Set(new.registration_url.clone()),
        deadline: Set(new.deadline),
        funding: Set(new.funding.clone()),
        eligibility: Set(new.eligibility.clone()),
        link: Set(new.link.clone()),
        ..Default::default()
    }
}

/// Writes a post's ecosystems and countries afresh.
async fn write_lists<C: ConnectionTrait>(db: &C, id: Uuid, new: &NewPost) -> AppResult<()> {
    child_rows::replace::<post_ecosystem::Entity, _>(
        db,
        post_ecosystem::Column::PostId,
        id,
        new.ecosystems.iter().map(|&e| post_ecosystem::ActiveModel {
            post_id: Set(id),
            ecosystem: Set(e),
        }),
    )
    .await?;
    child_rows::replace::<post_country::Entity, _>(
        db,
        post_country::Column::PostId,
        id,
        new.countries.iter().map(|c| post_country::ActiveModel {
            post_id: Set(id),
            country: Set(c.clone()),
        }),
    )
    .await
}

async fn lists_of<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<(Vec<Ecosystem>, Vec<String>)> {
    let ecosystems = post_ecosystem::Entity::find()
        .filter(post_ecosystem::Column::PostId.eq(id))
        .order_by_asc(post_ecosystem::Column::Ecosystem)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.ecosystem)
        .collect();
    let countries = post_country::Entity::find()
        .filter(post_country::Column::PostId.eq(id))
        .order_by_asc(post_country::Column::Country)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.country)
        .collect();
    Ok((ecosystems, countries))
}

/// Writes a new post of `kind` for a cluster as a DRAFT.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    cluster_id: Uuid,
    kind: PostKind,
    mut new: NewPost,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let cluster = cluster_of(&txn, cluster_id).await?;
    policy::may_write_post(actor, &cluster)?;
    new.validate(kind)?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = row::Entity::insert(row::ActiveModel {
        id: Set(id),
        cluster_id: Set(cluster_id),
        author_id: Set(policy::user_of(actor)),
        kind: Set(kind),
        status: Set(Status::Draft),
        published_at: Set(None),
        unpublish_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        language: Set(new.language.clone().unwrap_or_else(|| "en".into())),
        ..columns(&new, &[])
    })
    .exec_with_returning(&txn)
    .await?;
    write_lists(&txn, id, &new).await?;
    audit::record(
        &txn,
        actor,
        entry(
            &model,
            AuditAction::Create,
            vec!["kind", "title", "bodyMarkdown", "status"],
            &cluster,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Changes a post of a cluster the actor edits, at the version it read. Its kind stays.
pub async fn update<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    patch: PostPatch,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (post, cluster) = locked(&txn, id, expected_version, |_, c| policy::may_write_post(actor, c)).await?;
    let (ecosystems, countries) = lists_of(&txn, id).await?;
    let mut new = NewPost::of(&post, ecosystems, countries);
    let changed = new.apply(patch);
    new.validate(post.kind)?;
    let translations = translation::of(&txn, id).await?;
    let language = new.language.clone().unwrap_or_else(|| post.language.clone());
    if translations.iter().any(|t| t.language == language) {
        let why = "the post has a translation in this language: remove it first";
        return Err(AppError::bad_field("language", why));
    }
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        expected_version,
        row::ActiveModel {
            language: Set(language),
            ..columns(&new, &translations)
        },
    )
    .await?;
    write_lists(&txn, id, &new).await?;
    audit::record(&txn, actor, entry(&model, AuditAction::Update, changed, &cluster)).await?;
    txn.commit().await?;
    Ok(model)
}

/// Publishes a DRAFT (its editors) or puts an UNPUBLISHED post back up (its moderators).
pub async fn publish<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
) -> AppResult<row::Model> {
    publish_dated(db, actor, id, expected_version, Utc::now()).await
}

/// [`publish`] as of `at`, for the demo data's posts of 2018: a post put back up keeps the
/// moment it was first published.
pub(crate) async fn publish_dated<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    at: DateTime<Utc>,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (post, cluster) = locked(&txn, id, expected_version, |post, c| match post.status {
        Status::Unpublished => policy::may_moderate_post(actor, c),
        _ => policy::may_write_post(actor, c),
    })
    .await?;
    if post.status == Status::Published {
        return Err(Refusal::TransitionNotAllowed {
            what: "post",
            from: status_code(post.status),
            action: "published",
            why: "it is published already",
        }
        .into());
    }
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        expected_version,
        row::ActiveModel {
            status: Set(Status::Published),
            // Put back up, a post keeps its place in the feed.
            published_at: Set(Some(post.published_at.unwrap_or(at))),
            unpublish_reason: Set(None),
            ..Default::default()
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        entry(&model, AuditAction::Publish, vec!["status"], &cluster),
    )
    .await?;
    let mut data = serde_json::Map::new();
    data.insert(
        "clusterId".into(),
        webhook::event::global_id("Cluster", cluster.id).into(),
    );
    data.insert("title".into(), model.title.clone().into());
    let event = webhook::Event {
        event_type: webhook::EventType::PostPublished,
        id: webhook::event::global_id("Post", model.id),
        data,
        audience: webhook::Audience::SeesCluster(&cluster),
    };
    webhook::event::raise(&txn, event).await?;
    txn.commit().await?;
    Ok(model)
}

/// Takes a PUBLISHED post down with a reason: moderation by the partner of the cluster's
/// country or an administrator.
pub async fn unpublish<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    mut reason: String,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (post, cluster) = locked(&txn, id, expected_version, |_, c| policy::may_moderate_post(actor, c)).await?;
    check_reason(&mut reason)?;
    if post.status != Status::Published {
        return Err(Refusal::TransitionNotAllowed {
            what: "post",
            from: status_code(post.status),
            action: "unpublished",
            why: "only a PUBLISHED post is taken down",
        }
        .into());
    }
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        expected_version,
        row::ActiveModel {
            status: Set(Status::Unpublished),
            unpublish_reason: Set(Some(reason)),
            ..Default::default()
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        entry(
            &model,
            AuditAction::Unpublish,
            vec!["status", "unpublishReason"],
            &cluster,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Deletes a post of a cluster the actor edits, at the version it read.
pub async fn delete<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let (post, cluster) = locked(&txn, id, expected_version, |_, c| policy::may_write_post(actor, c)).await?;
    let deleted = row::Entity::delete_many()
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(stale(expected_version + 1, expected_version));
    }
    audit::record(&txn, actor, entry(&post, AuditAction::Delete, vec![], &cluster)).await?;
    txn.commit().await?;
    Ok(id)
}
