//! IndexedDB glue over web-sys: open with migrations, and the dataset operations of the
//! storage schema, each as one transaction awaited to completion.

use super::*;
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbKeyRange, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent,
};

/// A storage failure, as a message for the user.
pub type StorageResult<T> = Result<T, String>;

/// The name and message of a JS error (a `DOMException` such as `QuotaExceededError`).
fn describe(e: &JsValue) -> (String, String) {
    if let Some(d) = e.dyn_ref::<web_sys::DomException>() {
        return (d.name(), d.message());
    }
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return (String::from(err.name()), String::from(err.message()));
    }
    ("Error".to_owned(), e.as_string().unwrap_or_default())
}

fn message(e: &JsValue) -> String {
    let (name, detail) = describe(e);
    format!("{name}: {detail}")
}

/// Resolves with a request's result once it succeeds.
async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_req = req.clone();
        let err_req = req.clone();
        let on_ok = Closure::once_into_js(move || {
            let _ = resolve.call1(
                &JsValue::NULL,
                &ok_req.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let on_err = Closure::once_into_js(move || {
            let e = err_req
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(on_ok.unchecked_ref()));
        req.set_onerror(Some(on_err.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Resolves when a transaction commits; rejects with its error when it aborts.
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let abort_tx = tx.clone();
        let on_ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let on_abort = Closure::once_into_js(move || {
            let e = abort_tx.error().map_or_else(
                || {
                    web_sys::DomException::new_with_message_and_name(
                        "transaction aborted",
                        "AbortError",
                    )
                    .map_or(JsValue::UNDEFINED, JsValue::from)
                },
                JsValue::from,
            );
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        tx.set_oncomplete(Some(on_ok.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// Opens the database, running the schema migrations a older stored version needs.
pub async fn open() -> StorageResult<IdbDatabase> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| "this browser offers no IndexedDB storage".to_owned())?;
    let req: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, SCHEMA_VERSION)
        .map_err(|e| message(&e))?;
    let on_upgrade =
        Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |e: IdbVersionChangeEvent| {
            let Some(db) = e
                .target()
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            else {
                return;
            };
            for step in migrations(e.old_version() as u32) {
                match step {
                    Migration::CreateStores => {
                        let _ = db.create_object_store_with_optional_parameters(DATASETS, &by_id());
                        let _ = db.create_object_store(BLOBS);
                    }
                    Migration::CreateJournal => {
                        let _ = db.create_object_store_with_optional_parameters(JOURNAL, &by_id());
                    }
                    Migration::CreateScenarios => {
                        let _ =
                            db.create_object_store_with_optional_parameters(SCENARIOS, &by_id());
                    }
                }
            }
        });
    req.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let db = request(&req).await.map_err(|e| message(&e))?;
    drop(on_upgrade);
    let db = db
        .dyn_into::<IdbDatabase>()
        .map_err(|_| "IndexedDB returned no database".to_owned())?;
    // A newer version opened in another tab waits until every older connection closes.
    let close = db.clone();
    let on_version_change = Closure::<dyn FnMut()>::new(move || close.close());
    db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    on_version_change.forget();
    Ok(db)
}

/// Object store parameters keyed by the record's `id` field.
fn by_id() -> IdbObjectStoreParameters {
    let params = IdbObjectStoreParameters::new();
    params.set_key_path(&JsValue::from_str("id"));
    params
}

fn tx(
    db: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> StorageResult<IdbTransaction> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| message(&e))
}

const DATA: &[&str] = &[DATASETS, BLOBS];

fn blob_key(id: &str, i: usize) -> JsValue {
    Array::of2(&id.into(), &JsValue::from_f64(i as f64)).into()
}

fn to_js<T: serde::Serialize>(v: &T) -> StorageResult<JsValue> {
    let json = serde_json::to_string(v).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&json).map_err(|e| message(&e))
}

fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue) -> Option<T> {
    let json = js_sys::JSON::stringify(v).ok()?.as_string()?;
    serde_json::from_str(&json).ok()
}

/// Stores a dataset's meta and bytes in one transaction: all of it, or (on any failure,
/// including a full quota) none of it. The same transaction removes the journal record of the
/// import that made it, if any.
pub async fn save(
    lang: Lang,
    meta: &DatasetMeta,
    bytes: &[u8],
    pending: Option<&str>,
) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(
        &db,
        &[DATASETS, BLOBS, JOURNAL],
        IdbTransactionMode::Readwrite,
    )?;
    let write = || -> Result<(), JsValue> {
        if let Some(id) = pending {
            tx.object_store(JOURNAL)?.delete(&id.into())?;
        }
        let metas = tx.object_store(DATASETS)?;
        let blobs = tx.object_store(BLOBS)?;
        for (i, chunk) in chunks(bytes).into_iter().enumerate() {
            blobs.put_with_key(&Uint8Array::from(chunk), &blob_key(&meta.id, i))?;
        }
        let value = to_js(meta).map_err(|e| JsValue::from_str(&e))?;
        metas.put(&value)?;
        Ok(())
    };
    if let Err(e) = write() {
        let _ = tx.abort();
        let (name, detail) = describe(&e);
        return Err(write_error_message(lang, &name, &detail));
    }
    committed(&tx).await.map_err(|e| {
        let (name, detail) = describe(&e);
        write_error_message(lang, &name, &detail)
    })
}

/// Every record of a store.
async fn all_of(store: &str) -> StorageResult<Array> {
    let db = open().await?;
    let tx = tx(&db, &[store], IdbTransactionMode::Readonly)?;
    let req = tx
        .object_store(store)
        .and_then(|s| s.get_all())
        .map_err(|e| message(&e))?;
    Ok(Array::from(&request(&req).await.map_err(|e| message(&e))?))
}

/// Every stored dataset's meta, oldest first, and how many meta records could not be read
/// (they are left as they are).
pub async fn list() -> StorageResult<(Vec<DatasetMeta>, usize)> {
    let all = all_of(DATASETS).await?;
    let mut metas: Vec<DatasetMeta> = all.iter().filter_map(|v| from_js(&v)).collect();
    let unreadable = all.length() as usize - metas.len();
    metas.sort_by(|a, b| a.created_ms.total_cmp(&b.created_ms));
    Ok((metas, unreadable))
}

/// Records an import about to start.
pub async fn begin_import(pending: &PendingImport) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(&db, &[JOURNAL], IdbTransactionMode::Readwrite)?;
    tx.object_store(JOURNAL)
        .and_then(|s| s.put(&to_js(pending).map_err(|e| JsValue::from_str(&e))?))
        .map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))
}

/// Removes the journal record of an import that ended without storing anything.
pub async fn end_import(id: &str) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(&db, &[JOURNAL], IdbTransactionMode::Readwrite)?;
    tx.object_store(JOURNAL)
        .and_then(|s| s.delete(&id.into()))
        .map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))
}

/// The imports a closed tab cut short, removed from the journal in the transaction that reads
/// them.
pub async fn take_interrupted() -> StorageResult<Vec<PendingImport>> {
    let db = open().await?;
    let tx = tx(&db, &[JOURNAL], IdbTransactionMode::Readwrite)?;
    let store = tx.object_store(JOURNAL).map_err(|e| message(&e))?;
    let req = store.get_all().map_err(|e| message(&e))?;
    let all = Array::from(&request(&req).await.map_err(|e| message(&e))?);
    store.clear().map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))?;
    let mut pending: Vec<PendingImport> = all.iter().filter_map(|v| from_js(&v)).collect();
    pending.sort_by(|a, b| a.started_ms.total_cmp(&b.started_ms));
    Ok(pending)
}

/// The stored bytes of a dataset, reassembled from its chunks in one read transaction.
pub async fn load_bytes(id: &str) -> StorageResult<Vec<u8>> {
    let db = open().await?;
    let tx = tx(&db, DATA, IdbTransactionMode::Readonly)?;
    let metas = tx.object_store(DATASETS).map_err(|e| message(&e))?;
    let blobs = tx.object_store(BLOBS).map_err(|e| message(&e))?;
    let req = metas.get(&id.into()).map_err(|e| message(&e))?;
    let meta: DatasetMeta = from_js(&request(&req).await.map_err(|e| message(&e))?)
        .ok_or_else(|| format!("dataset {id} is not stored"))?;
    let mut out = Vec::with_capacity(meta.bytes);
    for i in 0..meta.chunks {
        let req = blobs.get(&blob_key(id, i)).map_err(|e| message(&e))?;
        let chunk = request(&req).await.map_err(|e| message(&e))?;
        let chunk = chunk
            .dyn_into::<Uint8Array>()
            .map_err(|_| format!("dataset {id}: chunk {i} is missing"))?;
        out.extend_from_slice(&chunk.to_vec());
    }
    Ok(out)
}

/// Renames a stored dataset.
pub async fn rename(id: &str, name: &str) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(&db, DATA, IdbTransactionMode::Readwrite)?;
    let metas = tx.object_store(DATASETS).map_err(|e| message(&e))?;
    let req = metas.get(&id.into()).map_err(|e| message(&e))?;
    let mut meta: DatasetMeta = from_js(&request(&req).await.map_err(|e| message(&e))?)
        .ok_or_else(|| format!("dataset {id} is not stored"))?;
    meta.name = name.to_owned();
    metas.put(&to_js(&meta)?).map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))
}

/// Deletes a dataset's meta and all its chunks in one transaction.
pub async fn delete(id: &str) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(&db, DATA, IdbTransactionMode::Readwrite)?;
    let run = || -> Result<(), JsValue> {
        tx.object_store(DATASETS)?.delete(&id.into())?;
        // Array keys order element-wise, so [id, 0] ..= [id, +inf] covers every chunk of id.
        let range = IdbKeyRange::bound(
            &blob_key(id, 0),
            &Array::of2(&id.into(), &JsValue::from_f64(f64::INFINITY)),
        )?;
        tx.object_store(BLOBS)?.delete(&range)?;
        Ok(())
    };
    run().map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))
}

/// Every saved Simulator scenario, by name; records that cannot be read are left out.
pub async fn list_scenarios() -> StorageResult<Vec<crate::simulator::SavedScenario>> {
    let all = all_of(SCENARIOS).await?;
    let mut saved: Vec<crate::simulator::SavedScenario> =
        all.iter().filter_map(|v| from_js(&v)).collect();
    saved.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(saved)
}

/// Saves a scenario, replacing one of the same name.
pub async fn save_scenario(saved: &crate::simulator::SavedScenario) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(&db, &[SCENARIOS], IdbTransactionMode::Readwrite)?;
    tx.object_store(SCENARIOS)
        .and_then(|s| s.put(&to_js(saved).map_err(|e| JsValue::from_str(&e))?))
        .map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))
}

/// Deletes a saved scenario.
pub async fn delete_scenario(id: &str) -> StorageResult<()> {
    let db = open().await?;
    let tx = tx(&db, &[SCENARIOS], IdbTransactionMode::Readwrite)?;
    tx.object_store(SCENARIOS)
        .and_then(|s| s.delete(&id.into()))
        .map_err(|e| message(&e))?;
    committed(&tx).await.map_err(|e| message(&e))
}

/// Usage and quota in bytes, when the browser reports them.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let est = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let est: web_sys::StorageEstimate = est.unchecked_into();
    Some((est.get_usage()?, est.get_quota()?))
}

/// Asks the browser to keep our data under storage pressure; whether it granted that.
pub async fn request_persistence() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return false;
    };
    if let Ok(p) = storage.persisted()
        && JsFuture::from(p).await.ok().and_then(|v| v.as_bool()) == Some(true)
    {
        return true;
    }
    match storage.persist() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}
