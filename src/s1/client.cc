// Placeholder: implemented by the module's owner.
