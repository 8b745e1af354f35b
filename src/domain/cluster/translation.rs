//! A cluster's description in languages other than its primary one, set and removed by the
//! cluster's editors. Each write is a change of the cluster: its version moves, its search
//! document is made again from every language, and it is audited, in one transaction.

use entity::{cluster, cluster_translation as translation};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        locale::{LanguageTag, LANGUAGE_HINT},
        policy, search,
        translation::{check_language, language_to_remove},
        validation::{Checker, TEXT_MAX},
        version,
    },
    error::{AppError, AppResult},
};

/// A cluster's translations, by language.
pub async fn translations_of<C: ConnectionTrait>(db: &C, cluster_id: Uuid) -> AppResult<Vec<translation::Model>> {
    translations_of_many(db, &[cluster_id]).await
}

/// The translations of every cluster in `ids`, in one statement, ordered by language.
pub async fn translations_of_many<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> AppResult<Vec<translation::Model>> {
    Ok(translation::Entity::find()
        .filter(translation::Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(translation::Column::Language)
        .all(db)
        .await?)
}

/// Refuses a new primary language that the cluster has a translation in.
pub(super) async fn free_for_primary<C: ConnectionTrait>(db: &C, id: Uuid, language: &str) -> AppResult<()> {
    crate::domain::translation::free_for_primary("cluster", language, &translations_of(db, id).await?)
}

/// The cluster for a translation's write: NOT_FOUND, FORBIDDEN, then CONFLICT on a stale version.
async fn locked<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
) -> AppResult<cluster::Model> {
    version::locked::<cluster::Entity, _>(db, id, Some(expected_version), |c| {
        policy::may_translate_cluster(actor, c)
    })
    .await
}

/// Moves the version on, rebuilds the search document from every language and audits it.
async fn changed<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
) -> AppResult<cluster::Model> {
    let model = version::save::<cluster::Entity, _>(db, id, expected_version, Default::default()).await?;
    search::reindex(db, id).await?;
    let entry = Entry::about(
        AuditEntityType::Cluster,
        id,
        AuditAction::Update,
        vec!["translations"],
        std::slice::from_ref(&model),
    );
    audit::record(db, actor, entry).await?;
    Ok(model)
}

/// Checks a translation of a cluster written in `primary` that has the translations
/// `existing`, trimming the description; returns the language's canonical tag.
fn checked(
    language: &str,
    primary: &str,
    existing: &[translation::Model],
    description: &mut String,
) -> AppResult<LanguageTag> {
    let mut check = Checker::new();
    let language = check_language(&mut check, "cluster", language, primary, existing);
    check.name("description", description, TEXT_MAX);
    check.finish()?;
    language.ok_or_else(|| AppError::bad_field("language", LANGUAGE_HINT))
}

/// Replaces the row of one language.
async fn write<C: ConnectionTrait>(db: &C, id: Uuid, language: &LanguageTag, description: String) -> AppResult<()> {
    translation::Entity::delete_many()
        .filter(translation::Column::ClusterId.eq(id))
        .filter(translation::Column::Language.eq(language.as_str()))
        .exec(db)
        .await?;
    translation::Entity::insert(translation::ActiveModel {
        cluster_id: Set(id),
        language: Set(language.to_string()),
        description: Set(description),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Gives a cluster created in the same transaction its description in another language (the
/// demo data): part of the creation, whose audit entry stands for it, at version 1. The
/// checks of [`set_translation`] apply.
pub async fn translate_new<C: ConnectionTrait>(
    db: &C,
    created: &cluster::Model,
    language: &str,
    mut description: String,
) -> AppResult<()> {
    let language = checked(language, &created.language, &[], &mut description)?;
    write(db, created.id, &language, description).await?;
    search::reindex(db, created.id).await
}

/// Writes a cluster's description in one language, replacing what that language had.
pub async fn set_translation<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    language: &str,
    mut description: String,
) -> AppResult<cluster::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = locked(&txn, actor, id, expected_version).await?;
    let existing = translations_of(&txn, id).await?;
    let language = checked(language, &current.language, &existing, &mut description)?;
    write(&txn, id, &language, description).await?;
    let model = changed(&txn, actor, id, expected_version).await?;
    txn.commit().await?;
    Ok(model)
}

/// Removes a cluster's description in one language; NOT_FOUND when it has none in it.
pub async fn remove_translation<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    language: &str,
) -> AppResult<cluster::Model> {
    let txn = crate::db::begin_write(db).await?;
    locked(&txn, actor, id, expected_version).await?;
    let language = language_to_remove(language)?;
    let removed = translation::Entity::delete_many()
        .filter(translation::Column::ClusterId.eq(id))
        .filter(translation::Column::Language.eq(language.as_str()))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound(format!("translation {language} of the cluster")));
    }
    let model = changed(&txn, actor, id, expected_version).await?;
    txn.commit().await?;
    Ok(model)
}
