// Package casetest builds what a test of case handling starts from in a real
// database: organisations and notices filed as intake would file them, and
// reads refusals back as the field:code pairs the API answers with.
package casetest
