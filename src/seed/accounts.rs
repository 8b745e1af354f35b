//! The demo sign-in accounts, whose passwords are public: one per role, written only when asked.

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::Written;
use crate::domain::account::{self, Grant};
use crate::error::AppResult;

/// The demo accounts and their passwords, documented in the README for local use only.
pub const DEMO_ACCOUNTS: [(&str, &str, &str); 4] = [
    (
        "admin@clusterbridge.example",
        "Platform Secretariat",
        "admin-demo-password",
    ),
    (
        "partner@cnfi.example.tw",
        "CNFI International Affairs",
        "cnfi-demo-password",
    ),
    ("manager@tpca.example.tw", "TPCA Cluster Manager", "tpca-demo-password"),
    (
        "manager@castra.example.eu",
        "CASTRA Cluster Manager",
        "castra-demo-password",
    ),
];

/// Writes the demo accounts with their grants and returns how many.
pub(super) async fn insert(db: &DatabaseTransaction, cnfi: Uuid, clusters: &Written) -> AppResult<usize> {
    let grants = [
        vec![Grant::Admin],
        vec![Grant::Partner(cnfi)],
        vec![Grant::ClusterManager(clusters.id("tpca")?)],
        vec![Grant::ClusterManager(clusters.id("castra")?)],
    ];
    for ((email, name, password), grants) in DEMO_ACCOUNTS.iter().zip(grants) {
        let new = account::NewAccount {
            email,
            display_name: name,
            password,
            language: None,
        };
        account::create_with_grants(db, new, &grants).await?;
    }
    Ok(DEMO_ACCOUNTS.len())
}
