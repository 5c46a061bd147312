// Package source holds what every compiler stage needs to talk about the
// user's Lua file: positions (file and line; gopher-lua has no columns),
// the text of a line for error excerpts, and CompileError, the one error
// type user mistakes are reported with.
//
// A CompileError prints as "file.lua:LINE: message"; Detail adds the
// offending source line underneath, which is what the CLI shows. Stages
// collect errors in an ErrorList so that one run can report several
// mistakes at once, capped at MaxErrors.
package source
