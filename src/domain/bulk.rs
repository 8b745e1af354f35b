//! Multi-row INSERTs sized to stay under the bound-parameter limits of both databases, for the
//! writes that store many rows at once (an import's batch, the data generator).

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Iterable};

use crate::error::AppResult;

/// Bound parameters in one statement: half of SQLite's limit (32,766 since 3.32), a quarter of
/// PostgreSQL's (65,535), so a table that gains columns stays under both.
pub const PARAMETERS: usize = 16_000;

/// Rows of one table per statement, going by its number of columns.
pub fn rows_per_statement<E: EntityTrait>() -> usize {
    (PARAMETERS / E::Column::iter().count().max(1)).max(1)
}

/// Inserts `rows` in as few statements as the limit allows (none for no rows).
pub async fn insert_chunks<C, A>(db: &C, rows: Vec<A>) -> AppResult<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let per_chunk = rows_per_statement::<A::Entity>();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_chunk).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
