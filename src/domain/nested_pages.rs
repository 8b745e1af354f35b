//! Pages of nested lists (a cluster's members, a partnership's clusters), one page per owner for
//! many owners and several lists, read in one statement.
//!
//! Each list numbers its owners' rows with `ROW_NUMBER() OVER (PARTITION BY owner ORDER BY …)`
//! and counts them with `COUNT(*) OVER (PARTITION BY owner)`, and only the rows of the page asked
//! for leave the database: each owner's limit is applied in SQL, not by reading every child. The
//! lists' pages are then united (`UNION ALL`), each list with columns of its own that the other
//! lists fill with `NULL`s. PostgreSQL types a `UNION`'s columns from its branches, and a bare
//! `NULL` in two branches becomes `text`, which a `uuid` in a third does not match: there the
//! padding is the column's own type, `(NULL::"member")."name"` (the table's row type's field). The
//! same statement otherwise runs on SQLite and PostgreSQL.
//!
//! Every branch lays its columns out alike (`list, owner, number, length`, then each list's
//! tables' columns in the entities' order), so rows are read back by position
//! (`db::rows::model_at`), not by the aliases' names.

use std::sync::Arc;

use sea_orm::{
    sea_query::{Alias, ColumnRef, Expr, Order, Query, SelectStatement, UnionType, WindowStatement},
    ConnectionTrait, DatabaseBackend, EntityTrait, IdenStatic, Iterable, QueryResult, TryIntoModel,
};
use uuid::Uuid;

use super::pagination::OffsetRequest;
use crate::{db::rows, error::AppResult};

/// `list, owner, number, length` come first in every row.
const LEADING: usize = 4;

/// One list of a batch: its rows for all the owners, how they are ordered, which page to keep.
pub struct ListQuery {
    /// FROM, joins and WHERE of the list's rows for every owner asked about; no columns.
    pub rows: SelectStatement,
    /// The column naming each row's owner.
    pub owner: ColumnRef,
    /// The order within an owner's list; the last column makes it total (an id).
    pub order: Vec<(ColumnRef, Order)>,
    /// The tables whose columns make up an item, read back with [`ListRow::model`].
    pub tables: Vec<ItemTable>,
    /// The page of each owner's list.
    pub page: OffsetRequest,
}

/// A table an item is read from, with its columns.
pub struct ItemTable {
    table: &'static str,
    columns: Vec<&'static str>,
}

impl ItemTable {
    pub fn of<E: EntityTrait>() -> Self {
        ItemTable {
            table: E::default().table_name(),
            columns: E::Column::iter().map(|c| c.as_str()).collect(),
        }
    }
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
    /// Where each of the list's tables' columns start in the row.
    starts: Arc<[usize]>,
}

impl ListRow {
    /// The row's part from the list's `table`-th table, which is `E`'s.
    pub fn model<E>(&self, table: usize) -> AppResult<E::Model>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let start = self.starts.get(table).copied().unwrap_or(usize::MAX);
        Ok(rows::model_at::<E>(&self.row, start)?)
    }
}

fn prefix(list: usize, table: usize) -> String {
    format!("l{list}_{table}_")
}

/// The rows of every list's pages, in one statement. An owner with an empty page but a non-empty
/// list still sends its first row (outside the page), which carries the list's length.
pub async fn read<C: ConnectionTrait>(db: &C, lists: &[ListQuery]) -> AppResult<Vec<ListRow>> {
    let backend = db.get_database_backend();
    let Some(statement) = statement(backend, lists) else {
        return Ok(Vec::new());
    };
    let starts = starts(lists);
    let found = db.query_all_raw(backend.build(&statement)).await?;
    let mut rows = Vec::with_capacity(found.len());
    for row in found {
        let list: i32 = row.try_get_by_index(0)?;
        let owner: Uuid = row.try_get_by_index(1)?;
        let number: i64 = row.try_get_by_index(2)?;
        let length: i64 = row.try_get_by_index(3)?;
        let list = usize::try_from(list).unwrap_or(usize::MAX);
        rows.push(ListRow {
            list,
            owner,
            position: usize::try_from(number.saturating_sub(1)).unwrap_or(0),
            length: usize::try_from(length).unwrap_or(0),
            starts: starts.get(list).cloned().unwrap_or_else(|| Arc::from([])),
            row,
        });
    }
    Ok(rows)
}

/// Where each list's tables' columns start in a row, in the order [`page`] lays them out.
fn starts(lists: &[ListQuery]) -> Vec<Arc<[usize]>> {
    let mut next = LEADING;
    lists
        .iter()
        .map(|list| {
            list.tables
                .iter()
                .map(|table| {
                    let start = next;
                    next += table.columns.len();
                    start
                })
                .collect()
        })
        .collect()
}

fn statement(backend: DatabaseBackend, lists: &[ListQuery]) -> Option<SelectStatement> {
    let mut united: Option<SelectStatement> = None;
    for i in 0..lists.len() {
        let page = page(backend, lists, i);
        match united.as_mut() {
            None => united = Some(page),
            Some(united) => {
                united.union(UnionType::All, page);
            }
        }
    }
    united
}

/// The page of list `i`: `list, owner, number, length`, then the columns of every list's tables,
/// its own filled, the others' `NULL`.
fn page(backend: DatabaseBackend, lists: &[ListQuery], i: usize) -> SelectStatement {
    let list = &lists[i];
    let mut numbered = list.rows.clone();
    let mut order = WindowStatement::partition_by(list.owner.clone());
    for (column, direction) in &list.order {
        order.order_by(column.clone(), direction.clone());
    }
    numbered
        .expr_as(Expr::col(list.owner.clone()), Alias::new("owner"))
        .expr_window_as(Expr::cust("ROW_NUMBER()"), order, Alias::new("number"))
        .expr_window_as(
            Expr::cust("COUNT(*)"),
            WindowStatement::partition_by(list.owner.clone()),
            Alias::new("length"),
        );
    for (t, item) in list.tables.iter().enumerate() {
        for column in &item.columns {
            numbered.expr_as(
                Expr::col((Alias::new(item.table), Alias::new(*column))),
                Alias::new(format!("{}{column}", prefix(i, t))),
            );
        }
    }
    let rows = Alias::new("numbered");
    let mut page = Query::select();
    page.expr_as(Expr::cust(i.to_string()), Alias::new("list"))
        .columns(["owner", "number", "length"].map(|c| (rows.clone(), Alias::new(c))));
    for (l, other) in lists.iter().enumerate() {
        for (t, item) in other.tables.iter().enumerate() {
            for column in &item.columns {
                let name = Alias::new(format!("{}{column}", prefix(l, t)));
                if l == i {
                    page.expr_as(Expr::col((rows.clone(), name.clone())), name);
                } else {
                    page.expr_as(padding(backend, item.table, column), name);
                }
            }
        }
    }
    page.from_subquery(numbered, rows.clone())
        .cond_where(list.page.condition(
            Expr::col((rows.clone(), Alias::new("number"))),
            Expr::col((rows, Alias::new("length"))),
        ));
    page
}

/// A `NULL` of `table.column`'s type. The names are entities' own, never a client's.
fn padding(backend: DatabaseBackend, table: &str, column: &str) -> Expr {
    match backend {
        DatabaseBackend::Postgres => Expr::cust(format!(r#"(NULL::"{table}")."{column}""#)),
        _ => Expr::cust("NULL"),
    }
}
