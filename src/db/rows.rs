//! Models read from a row by the position of their columns rather than by name.
//!
//! sea-orm's derived `FromQueryResult` finds each column by name: with a prefix (the nested pages
//! read several tables from one row) it formats `{prefix}{column}` and hashes it, for every column
//! of every row, twice on PostgreSQL (once for the type check, once for the value). A statement
//! that selects an entity's columns in the entity's own order (as sea-orm's `find()` does, and
//! `domain::nested_pages` for each table) can instead read column `start + i` for the entity's
//! `i`-th column. The values go through the entity's `ActiveModel`, so each field is converted
//! exactly as sea-orm converts it on writes (text codes into their enums, `NULL` into `None`).

use sea_orm::{
    sea_query::{ArrayType, Value},
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Iterable, ModelTrait, QueryResult, QueryTrait, Select,
    TryIntoModel,
};

/// The model of `E` whose columns start at `start` in `row`, in the order of `E::Column`.
pub fn model_at<E>(row: &QueryResult, start: usize) -> Result<E::Model, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    let mut model = <E::ActiveModel as ActiveModelTrait>::default();
    for (i, column) in E::Column::iter().enumerate() {
        let value = value_at(row, start + i, <E::Model as ModelTrait>::get_value_type(column))?;
        model.try_set(column, value)?;
    }
    model.try_into_model()
}

/// The value at `index`, read as the Rust type the field holds; `NULL` as that type's `None`.
fn value_at(row: &QueryResult, index: usize, kind: ArrayType) -> Result<Value, DbErr> {
    Ok(match kind {
        ArrayType::String => Value::String(row.try_get_by_index(index)?),
        ArrayType::Uuid => Value::Uuid(row.try_get_by_index(index)?),
        ArrayType::Int => Value::Int(row.try_get_by_index(index)?),
        ArrayType::BigInt => Value::BigInt(row.try_get_by_index(index)?),
        ArrayType::SmallInt => Value::SmallInt(row.try_get_by_index(index)?),
        ArrayType::Bool => Value::Bool(row.try_get_by_index(index)?),
        ArrayType::Double => Value::Double(row.try_get_by_index(index)?),
        ArrayType::Float => Value::Float(row.try_get_by_index(index)?),
        ArrayType::ChronoDate => Value::ChronoDate(row.try_get_by_index(index)?),
        ArrayType::ChronoDateTime => Value::ChronoDateTime(row.try_get_by_index(index)?),
        ArrayType::ChronoDateTimeUtc => Value::ChronoDateTimeUtc(row.try_get_by_index(index)?),
        ArrayType::Json => Value::Json(row.try_get_by_index::<Option<serde_json::Value>>(index)?.map(Box::new)),
        ArrayType::Bytes => Value::Bytes(row.try_get_by_index(index)?),
        // A field type no entity of the project has yet: say so rather than guess its decoding.
        other => return Err(DbErr::Type(format!("no positional reading of a {other:?} column"))),
    })
}

/// The models `select` finds, read by position: `find()` selects `E`'s columns in their order.
pub async fn all<E, C>(db: &C, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
    C: ConnectionTrait,
{
    let statement = select.build(db.get_database_backend());
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| model_at::<E>(row, 0))
        .collect()
}
