//! Where the bytes of report photos live: in the database (the default, so that one backup
//! holds everything), or in an S3-compatible object store (`MINHBACH_PHOTO_STORE=s3://bucket`),
//! which every server process reaches and which grows without the database growing.
//!
//! An object's key is the SHA-256 of the photo's bytes (`photos/<hex>`, its thumbnail at
//! `photos/<hex>.thumb`): putting it again (a retry, a racing twin) writes the same object, so
//! nothing is left behind by a retry, and the same photo sent with two reports is one object.
//! That is also why an object is deleted only once no row of any report refers to its key.

use crate::config::Config;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::schema::{photo_redactions, report_photos};
use diesel::prelude::*;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use shared::{ApiError, ErrorCode};
use std::sync::Arc;

/// A photo's full-size and thumbnail bytes, kept in the database.
pub struct PhotoBytes {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
}

/// Where a stored photo's bytes are, as a row of `report_photos` or `photo_redactions` says.
pub enum PhotoBody {
    InDatabase(Vec<u8>),
    /// The object key (of the full-size photo) and whether the thumbnail is wanted.
    InObjectStore {
        key: String,
        thumb: bool,
    },
}

impl PhotoBody {
    /// The body of a row, given its byte columns and its object key.
    pub fn of_row(
        object_key: Option<String>,
        full: Vec<u8>,
        thumb_bytes: Vec<u8>,
        thumb: bool,
    ) -> Self {
        match object_key {
            Some(key) => PhotoBody::InObjectStore { key, thumb },
            None => PhotoBody::InDatabase(if thumb { thumb_bytes } else { full }),
        }
    }
}

#[derive(Clone)]
pub enum PhotoStore {
    Database,
    Objects(Arc<dyn ObjectStore>),
}

fn store_unreachable(e: object_store::Error) -> AppError {
    tracing::error!(error = %e, "the photo object store failed");
    AppError(ApiError::with_message(
        ErrorCode::Internal,
        "Kho lưu ảnh tạm thời không truy cập được. Vui lòng thử lại sau ít phút.",
        "The photo store cannot be reached right now. Please try again in a few minutes.",
    ))
}

fn thumb_path(key: &str) -> Path {
    Path::from(format!("{key}.thumb"))
}

impl PhotoStore {
    /// The store `config.photo_store` names: `database`, or `s3://bucket[/prefix]` with the
    /// endpoint, region and credentials from the settings or the usual `AWS_*` variables.
    pub fn from_config(config: &Config) -> anyhow::Result<PhotoStore> {
        let url = config.photo_store.trim();
        if url.is_empty() || url == "database" {
            return Ok(PhotoStore::Database);
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            anyhow::bail!(
                "MINHBACH_PHOTO_STORE phải là \"database\" hoặc s3://bucket / must be \"database\" or s3://bucket, not {url:?}"
            );
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &config.s3_endpoint {
            builder = builder.with_endpoint(endpoint);
            // A store on the operator's own network (MinIO, Ceph) is often plain HTTP.
            builder = builder.with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = &config.s3_region {
            builder = builder.with_region(region);
        }
        if let Some(id) = &config.s3_access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &config.s3_secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store: Arc<dyn ObjectStore> = Arc::new(builder.build()?);
        let prefix = prefix.trim_matches('/');
        Ok(PhotoStore::Objects(if prefix.is_empty() {
            store
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        }))
    }

    pub fn is_object_store(&self) -> bool {
        matches!(self, PhotoStore::Objects(_))
    }

    /// Puts a photo's bytes in the object store, before the row that names them is written,
    /// and returns the key for that row (and no bytes for the database); with the database
    /// store the bytes are kept for the row and there is no key.
    pub async fn put(&self, photo: PhotoBytes) -> AppResult<(Option<String>, PhotoBytes)> {
        let PhotoStore::Objects(store) = self else {
            return Ok((None, photo));
        };
        let key = format!("photos/{}", hex::encode(Sha256::digest(&photo.full)));
        store
            .put(&Path::from(key.as_str()), PutPayload::from(photo.full))
            .await
            .map_err(store_unreachable)?;
        store
            .put(&thumb_path(&key), PutPayload::from(photo.thumb))
            .await
            .map_err(store_unreachable)?;
        Ok((
            Some(key),
            PhotoBytes {
                full: Vec::new(),
                thumb: Vec::new(),
            },
        ))
    }

    /// The bytes of a stored photo.
    pub async fn get(&self, body: PhotoBody) -> AppResult<Vec<u8>> {
        let (key, thumb) = match body {
            PhotoBody::InDatabase(bytes) => return Ok(bytes),
            PhotoBody::InObjectStore { key, thumb } => (key, thumb),
        };
        let PhotoStore::Objects(store) = self else {
            // Rows written while an object store was configured, read by a server without
            // one: the bytes are out of reach, which is a setting to fix, not a missing photo.
            tracing::error!(%key, "a photo is in the object store but MINHBACH_PHOTO_STORE is \"database\"");
            return Err(AppError(ApiError::new(ErrorCode::Internal)));
        };
        let path = if thumb {
            thumb_path(&key)
        } else {
            Path::from(key.as_str())
        };
        let got = store.get(&path).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::not_found(),
            e => store_unreachable(e),
        })?;
        Ok(got.bytes().await.map_err(store_unreachable)?.to_vec())
    }

    /// Deletes the objects of `keys` that no row refers to, not counting the rows of
    /// `except_report` (a report whose photos are about to be erased: the objects go first, so
    /// that a crash in between leaves a row without its photo, which the next run erases, never
    /// a photo without its row, which nothing would). Run from blocking database work.
    pub fn delete_unreferenced(
        &self,
        conn: &mut DbConn,
        keys: &[String],
        except_report: Option<&str>,
    ) -> AppResult<()> {
        let PhotoStore::Objects(store) = self else {
            return Ok(());
        };
        for key in keys {
            if referenced(conn, key, except_report)? {
                continue;
            }
            let handle = tokio::runtime::Handle::current();
            for path in [Path::from(key.as_str()), thumb_path(key)] {
                match handle.block_on(store.delete(&path)) {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(store_unreachable(e)),
                }
            }
        }
        Ok(())
    }
}

/// Whether any photo or redacted copy, outside the rows of `except_report`, names `key`.
fn referenced(conn: &mut DbConn, key: &str, except_report: Option<&str>) -> AppResult<bool> {
    let key = key.to_string();
    let except = except_report.unwrap_or("").to_string();
    let n: i64 = crate::db_run!(conn, {
        report_photos::table
            .filter(report_photos::object_key.eq(&key))
            .filter(report_photos::report_id.ne(&except))
            .count()
            .get_result(conn)
    })?;
    let m: i64 = crate::db_run!(conn, {
        photo_redactions::table
            .filter(photo_redactions::object_key.eq(&key))
            .filter(photo_redactions::report_id.ne(&except))
            .count()
            .get_result(conn)
    })?;
    Ok(n + m > 0)
}

/// The object keys of a report's photos and redacted copies.
pub fn keys_of_report(conn: &mut DbConn, report_id: &str) -> AppResult<Vec<String>> {
    let rid = report_id.to_string();
    let mut keys: Vec<String> = crate::db_run!(conn, {
        report_photos::table
            .filter(report_photos::report_id.eq(&rid))
            .filter(report_photos::object_key.is_not_null())
            .select(report_photos::object_key.assume_not_null())
            .load(conn)
    })?;
    let redacted: Vec<String> = crate::db_run!(conn, {
        photo_redactions::table
            .filter(photo_redactions::report_id.eq(&rid))
            .filter(photo_redactions::object_key.is_not_null())
            .select(photo_redactions::object_key.assume_not_null())
            .load(conn)
    })?;
    keys.extend(redacted);
    keys.sort();
    keys.dedup();
    Ok(keys)
}
