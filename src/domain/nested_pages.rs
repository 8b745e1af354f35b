//! Pages of nested lists (a cluster's members, a partnership's clusters), one page per owner for
//! many owners and several lists, read in one statement.
//!
//! Each list numbers its owners' rows with `ROW_NUMBER() OVER (PARTITION BY owner ORDER BY …)`
//! and counts them with `COUNT(*) OVER (PARTITION BY owner)`, and only the rows of the page asked
//! for leave the database: each owner's limit is applied in SQL, not by reading every child. The
//! lists of one batch are then laid side by side, `LEFT JOIN`ed to a list number, each with
//! columns of its own, so no list's column types need to match another's (a `UNION` would have
//! to cast every padding `NULL` on PostgreSQL). The same statement runs on SQLite and PostgreSQL.

use sea_orm::{
    sea_query::{
        Alias, Asterisk, ColumnRef, Condition, DynIden, Expr, ExprTrait, IntoIden, JoinType, Order, Query,
        SelectStatement, UnionType, WindowStatement,
    },
    ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult,
};
use uuid::Uuid;

use super::pagination::OffsetRequest;
use crate::error::AppResult;

/// One list of a batch: its rows for all the owners, how they are ordered, which page to keep.
pub struct ListQuery {
    /// FROM, joins and WHERE of the list's rows for every owner asked about; no columns.
    pub rows: SelectStatement,
    /// The column naming each row's owner.
    pub owner: ColumnRef,
    /// The order within an owner's list; the last column makes it total (an id).
    pub order: Vec<(ColumnRef, Order)>,
    /// The tables whose columns make up an item, read back with [`ListRow::model`].
    pub tables: Vec<(DynIden, Vec<&'static str>)>,
    /// The page of each owner's list.
    pub page: OffsetRequest,
}

/// A table and its columns, as [`ListQuery::tables`] takes them.
pub fn table_of<E: EntityTrait>() -> (DynIden, Vec<&'static str>) {
    (
        E::default().into_iden(),
        E::Column::iter().map(|c| c.as_str()).collect(),
    )
}

/// One row of a page: which list, whose, where it stands in its owner's list, how long that is.
pub struct ListRow {
    pub list: usize,
    pub owner: Uuid,
    /// 0-based position in the owner's whole list.
    pub position: usize,
    /// Length of the owner's whole list.
    pub length: usize,
    row: QueryResult,
}

impl ListRow {
    /// The row's part from the list's `table`-th table.
    pub fn model<M: FromQueryResult>(&self, table: usize) -> AppResult<M> {
        Ok(M::from_query_result(&self.row, &prefix(self.list, table))?)
    }
}

fn prefix(list: usize, table: usize) -> String {
    format!("l{list}_{table}_")
}

fn name(list: usize, what: &str) -> String {
    format!("l{list}_{what}")
}

/// The rows of every list's pages, in one statement. An owner with an empty page but a non-empty
/// list still sends its first row (outside the page), which carries the list's length.
pub async fn read<C: ConnectionTrait>(db: &C, lists: &[ListQuery]) -> AppResult<Vec<ListRow>> {
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    let statement = db.get_database_backend().build(&statement(lists));
    let mut rows = Vec::new();
    for row in db.query_all_raw(statement).await? {
        let list: i32 = row.try_get("", "list")?;
        let list = usize::try_from(list).unwrap_or(usize::MAX);
        // A list with no rows at all still joins its number once, to NULLs.
        let Some(owner) = row.try_get::<Option<Uuid>>("", &name(list, "owner"))? else {
            continue;
        };
        let number: i64 = row.try_get("", &name(list, "number"))?;
        let length: i64 = row.try_get("", &name(list, "length"))?;
        rows.push(ListRow {
            list,
            owner,
            position: usize::try_from(number.saturating_sub(1)).unwrap_or(0),
            length: usize::try_from(length).unwrap_or(0),
            row,
        });
    }
    Ok(rows)
}

fn statement(lists: &[ListQuery]) -> SelectStatement {
    let numbers = Alias::new("lists");
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(list_numbers(lists.len()), numbers.clone());
    for (i, list) in lists.iter().enumerate() {
        let mut inner = list.rows.clone();
        let mut order = WindowStatement::partition_by(list.owner.clone());
        for (column, direction) in &list.order {
            order.order_by(column.clone(), direction.clone());
        }
        inner
            .expr_as(Expr::col(list.owner.clone()), Alias::new(name(i, "owner")))
            .expr_window_as(Expr::cust("ROW_NUMBER()"), order, Alias::new(name(i, "number")))
            .expr_window_as(
                Expr::cust("COUNT(*)"),
                WindowStatement::partition_by(list.owner.clone()),
                Alias::new(name(i, "length")),
            );
        for (t, (table, columns)) in list.tables.iter().enumerate() {
            for column in columns {
                inner.expr_as(
                    Expr::col((table.clone(), Alias::new(*column))),
                    Alias::new(format!("{}{column}", prefix(i, t))),
                );
            }
        }
        let page = Alias::new(format!("page{i}"));
        let on = Condition::all()
            .add(Expr::col((numbers.clone(), Alias::new("list"))).eq(i as i32))
            .add(list.page.condition(
                Expr::col((page.clone(), Alias::new(name(i, "number")))),
                Expr::col((page.clone(), Alias::new(name(i, "length")))),
            ));
        outer.join_subquery(JoinType::LeftJoin, inner, page, on);
    }
    outer
}

/// `SELECT 0 AS list UNION ALL SELECT 1 …`: one row per list, for its page to join.
fn list_numbers(count: usize) -> SelectStatement {
    let number = |i: usize| {
        Query::select()
            .expr_as(Expr::cust(i.to_string()), Alias::new("list"))
            .to_owned()
    };
    let mut numbers = number(0);
    for i in 1..count {
        numbers.union(UnionType::All, number(i));
    }
    numbers
}
