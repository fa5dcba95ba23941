package datasets

// SetStepHook lets the crash tests (package datasets_test) stop an import
// after any of its steps.
func SetStepHook(f func(step string)) { stepHook = f }
