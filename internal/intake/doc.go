// Package intake receives notices on the Government Channel: it validates
// them, computes their legal deadline, stores them with their cases in one
// durable commit and answers with a signed receipt.
package intake
