//! How protocol messages cross `postMessage`: a JS array whose first element is the message as
//! JSON and whose other elements are `Uint8Array`s of bulk bytes, whose buffers are transferred
//! rather than copied.

use js_sys::{Array, JsString, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// A message ready to post: the data and the list of buffers to transfer.
#[derive(Debug)]
pub struct Outgoing {
    pub data: Array,
    pub transfer: Array,
}

/// Packs a message and its bytes.
pub fn pack<T: Serialize>(message: &T, bytes: &[&[u8]]) -> Result<Outgoing, String> {
    let json =
        serde_json::to_string(message).map_err(|e| format!("cannot encode a message: {e}"))?;
    let data = Array::new();
    let transfer = Array::new();
    data.push(&JsValue::from_str(&json));
    for b in bytes {
        let a = Uint8Array::from(*b);
        transfer.push(&a.buffer());
        data.push(&a);
    }
    Ok(Outgoing { data, transfer })
}

/// Unpacks a message and its bytes from a posted value.
pub fn unpack<T: DeserializeOwned>(value: &JsValue) -> Result<(T, Vec<Vec<u8>>), String> {
    let parts: Array = value
        .clone()
        .dyn_into()
        .map_err(|_| "a worker message is not an array".to_owned())?;
    let json: JsString = parts
        .get(0)
        .dyn_into()
        .map_err(|_| "a worker message has no JSON head".to_owned())?;
    let message = serde_json::from_str(&String::from(json))
        .map_err(|e| format!("cannot decode a worker message: {e}"))?;
    let bytes = (1..parts.length())
        .map(|i| {
            parts
                .get(i)
                .dyn_into::<Uint8Array>()
                .map(|a| a.to_vec())
                .map_err(|_| "a worker message part is not bytes".to_owned())
        })
        .collect::<Result<_, _>>()?;
    Ok((message, bytes))
}
