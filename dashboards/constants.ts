/** Names used only inside the dashboards (what others share is in contract/dashboards.ts). */

/** Grafana datasource plugin ids. */
export const DATASOURCE_TYPES = { prometheus: 'prometheus', loki: 'loki' } as const;

/** Template variable names through which every panel and target picks its datasource. */
export const DATASOURCE_VARIABLES = { prometheus: 'datasource', loki: 'loki_datasource' } as const;

/** Every dashboard carries this tag; the dashboards' link dropdown lists dashboards by it. */
export const COMMON_TAG = 'immigration-ai';
