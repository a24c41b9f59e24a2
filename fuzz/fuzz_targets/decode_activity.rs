//! Any bytes a server sends, decoded as each response type the client reads: an error,
//! never a panic; whatever decodes encodes again and decodes once more.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openrouter_analytics::types::{
    ActivityResponse, AnalyticsMetaResponse, AnalyticsQueryResponse, ErrorResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn check<T: DeserializeOwned + Serialize>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let encoded = serde_json::to_vec(&value).expect("a decoded value encodes");
        serde_json::from_slice::<T>(&encoded).expect("what we encode decodes");
    }
}

fuzz_target!(|data: &[u8]| {
    check::<ActivityResponse>(data);
    check::<AnalyticsMetaResponse>(data);
    check::<AnalyticsQueryResponse>(data);
    check::<ErrorResponse>(data);
});
