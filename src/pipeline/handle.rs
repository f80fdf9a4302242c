//! Steps 4 and 5: validation (content type, body syntax, depth and the operation's contract), then
//! the vendor's handler against the tenant's state.

use serde_json::Value;

use super::context::{Context, Input, Target};
use crate::tenant::Tenant;
use crate::vendor::{ApiError, Call, GenericKind, Problem, Reply};

pub fn handle(
    ctx: &mut Context<'_>,
    target: &Target<'_>,
    tenant: &Tenant,
    input: Input,
) -> Result<Reply, ApiError> {
    let body = validate(ctx, target, input).map_err(|p| target.vendor.reject(p))?;
    let call = Call {
        operation: target.operation,
        index: target.index,
        tenant,
        params: &target.params,
        query: &target.query,
        headers: ctx.headers,
        path: ctx.path,
        body: &body,
        now: ctx.now,
    };
    let vendor = target.vendor;
    match &target.stub {
        None => vendor.handle(&call),
        Some(s) => {
            let records = ctx.state.stubs.records(s.stub.vendor);
            if !s.fallback {
                return crate::stub::serve::serve(&s.stub, vendor, records, &call);
            }
            match vendor.handle(&call) {
                Err(e) if e.kind.generic.contains(&GenericKind::NotFound) => {
                    let call = Call {
                        operation: s.stub.operation,
                        params: &s.params,
                        ..call
                    };
                    crate::stub::serve::serve(&s.stub, vendor, records, &call)
                }
                other => other,
            }
        }
    }
}

/// Step 4: the body the handler will see (`Value::Null` when the operation takes none).
fn validate(ctx: &mut Context<'_>, target: &Target<'_>, input: Input) -> Result<Value, Problem> {
    if let Some(problem) = ctx.read_problem.take() {
        return Err(problem);
    }
    let Some(parsed) = input.parsed else {
        return Ok(Value::Null);
    };
    if !input.native && !ctx.body.iter().all(u8::is_ascii_whitespace) {
        crate::json::is_json_content_type(ctx.headers)?;
    }
    let value = parsed?;
    ctx.state
        .contracts
        .check(target.operation, &value)
        .map_err(Problem::Contract)?;
    Ok(value)
}
