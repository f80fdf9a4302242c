//! Step 2: the vendor reads its credential into a tenant (missing or malformed: the vendor's 401).

use super::context::{Context, Exit, Target};
use crate::tenant::Tenant;

pub fn authenticate(ctx: &mut Context<'_>, target: &Target<'_>) -> Result<Tenant, Exit> {
    let vendor = target.vendor;
    let credential = vendor
        .authenticate(target.operation, ctx.headers)
        .map_err(|p| Exit::reply(vendor.render_error(&vendor.reject(p))))?;
    let tenant = ctx.state.tenants.resolve(&credential.0);
    ctx.found.tenant = Some(tenant.clone());
    Ok(tenant)
}
