/** typed-jobs/dashboard: the web dashboard, to mount in a server (createDashboard) or run alone (startDashboardServer). */
export { createDashboard, type Dashboard, type DashboardAuth, type DashboardOptions } from "./dashboard.js";
export { startDashboardServer, type DashboardServer, type DashboardServerOptions } from "./standalone-server.js";
