// Package removed feeds the platform's removed-content banks and removed-texts list from final remove decisions.
package removed
