using Spectre.Console.Cli;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// A minimal dependency container for Spectre.Console.Cli: instances, types and factories, constructor injection, and
/// <c>IEnumerable&lt;T&gt;</c> of every registration of T.
/// </summary>
public sealed class TypeRegistrar : ITypeRegistrar
{
    private readonly Dictionary<Type, List<Func<object>>> registrations = [];

    public ITypeResolver Build() => new Resolver(registrations);

    public void Register(Type service, Type implementation) => Add(service, () => new Resolver(registrations).Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory) => Add(service, factory);

    private void Add(Type service, Func<object> factory)
    {
        if (!registrations.TryGetValue(service, out var list)) registrations[service] = list = [];
        list.Add(factory);
    }

    private sealed class Resolver(Dictionary<Type, List<Func<object>>> registrations) : ITypeResolver
    {
        public object? Resolve(Type? type)
        {
            if (type is null) return null;
            if (registrations.TryGetValue(type, out var list)) return list[^1]();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                var item = type.GetGenericArguments()[0];
                var all = registrations.TryGetValue(item, out var items) ? items.Select(f => f()).ToArray() : [];
                var array = Array.CreateInstance(item, all.Length);
                Array.Copy(all, array, all.Length);
                return array;
            }
            return type.IsAbstract || type.IsInterface ? null : Create(type);
        }

        public object Create(Type type)
        {
            var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            return ctor is null
                ? Activator.CreateInstance(type)!
                : ctor.Invoke(ctor.GetParameters().Select(p => Resolve(p.ParameterType)).ToArray());
        }
    }
}
